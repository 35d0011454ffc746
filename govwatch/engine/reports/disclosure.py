"""Annual government information disclosure report (国办公开办函〔2021〕30号, seed 001).

Sections 二, 三 and 四 are tables in a nationally prescribed shape; section 三 carries the
勾稽关系 the format demands: per applicant column, new + carried in = concluded + carried over;
(七)总计 = sum of result lines (一)…(六); per line, 总计 = sum of the applicant columns. The
narrative (一、总体情况) repeats some of these figures, and seed 001 gets three of them wrong,
so the narrative is checked against the tables like any other statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from govwatch.engine.reports.consistency import Inconsistency, Rows, StatedCount, Statement, Sum
from govwatch.engine.reports.records import Record, RecordSchema, count, text
from govwatch.engine.reports.tables import Table, TableRow
from govwatch.engine.rows import Field

APPLICANT_COLUMNS = (
    ("natural_person", "申请人情况/自然人"),
    ("commercial_enterprise", "申请人情况/法人或其他组织/商业企业"),
    ("research_institution", "申请人情况/法人或其他组织/科研机构"),
    ("social_welfare_org", "申请人情况/法人或其他组织/社会公益组织"),
    ("legal_service_org", "申请人情况/法人或其他组织/法律服务机构"),
    ("other_org", "申请人情况/法人或其他组织/其他"),
)
TOTAL_COLUMN = ("total", "申请人情况/总计")
RESULT_COLUMNS = (
    ("result_upheld", "结果维持"),
    ("result_corrected", "结果纠正"),
    ("result_other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
NEW_CODE, CARRIED_IN_CODE, CONCLUDED_CODE, CARRIED_OVER_CODE = "1", "2", "3.7", "4"
LITIGATION = ("litigation_without_prior_review", "litigation_after_review")

PROACTIVE = RecordSchema(
    "proactive_disclosure",
    "主动公开政府信息情况",
    (
        Field("seq", "序号", "count", required=False),
        Field("clause", "条款"),
        Field("info_content", "信息内容"),
        Field("metric", "指标代码", required=False),
        Field("metric_zh", "指标"),
        Field("value", "数值", "decimal"),
        Field("unit", "计量单位", "choice", False, ("count", "10k_cny")),
    ),
)

APPLICATIONS = RecordSchema(
    "applications",
    "收到和处理政府信息公开申请情况",
    (
        Field("seq", "序号", "count", required=False),
        Field("item_code", "项目代码"),
        Field("section_zh", "一级项目"),
        Field("group_zh", "二级项目", required=False),
        Field("item_zh", "三级项目", required=False),
        *(Field(key, heading, "count") for key, heading in (*APPLICANT_COLUMNS, TOTAL_COLUMN)),
        Field("note", "说明", required=False),
    ),
)

REVIEW_LITIGATION = RecordSchema(
    "review_litigation",
    "政府信息公开行政复议、行政诉讼情况",
    (
        Field("seq", "序号", "count", required=False),
        Field("proceeding", "类别代码", "choice", True, ("administrative_review", *LITIGATION)),
        Field("proceeding_zh", "类别"),
        Field("parent_zh", "上级类别", required=False),
        *(Field(key, heading, "count") for key, heading in RESULT_COLUMNS),
    ),
)


def proactive_table(records: Sequence[Record]) -> Table:
    """二、主动公开: one line per (clause, content), metrics as printed (long to wide)."""
    rows = [
        TableRow((text(r, "clause"), text(r, "info_content"), text(r, "metric_zh"), r.get("value")))
        for r in records
    ]
    return Table(
        "proactive_disclosure",
        "主动公开政府信息情况",
        ("条款", "信息内容", "指标", "数值"),
        tuple(rows),
    )


def applications_table(records: Sequence[Record]) -> Table:
    keys = [key for key, _ in (*APPLICANT_COLUMNS, TOTAL_COLUMN)]
    rows = [
        TableRow(
            (
                text(r, "section_zh"),
                text(r, "group_zh"),
                text(r, "item_zh"),
                *(count(r, key) for key in keys),
            )
        )
        for r in records
    ]
    return Table(
        "applications",
        "收到和处理政府信息公开申请情况",
        ("项目", "分项", "具体情形", *(h for _, h in (*APPLICANT_COLUMNS, TOTAL_COLUMN))),
        tuple(rows),
        merge_down=(0, 1),
    )


def review_litigation_table(records: Sequence[Record]) -> Table:
    rows = [
        TableRow(
            (
                "/".join(p for p in (text(r, "parent_zh"), text(r, "proceeding_zh")) if p),
                *(count(r, key) for key, _ in RESULT_COLUMNS),
            )
        )
        for r in records
    ]
    return Table(
        "review_litigation",
        "政府信息公开行政复议、行政诉讼情况",
        ("类别", *(h for _, h in RESULT_COLUMNS)),
        tuple(rows),
    )


def _by_code(records: Sequence[Record]) -> dict[str, Record]:
    return {text(r, "item_code"): r for r in records}


def check_applications(records: Sequence[Record]) -> list[Inconsistency]:
    """The three cross-total rules of section 三, each mismatch with both numbers."""
    found: list[Inconsistency] = []
    rows = _by_code(records)
    needed = (NEW_CODE, CARRIED_IN_CODE, CONCLUDED_CODE, CARRIED_OVER_CODE)
    for code in needed:
        if code not in rows:
            found.append(Inconsistency("disclosure.s3.missing", f"缺少第{code}项", code, None))
    if found:
        return found
    results = [r for c, r in rows.items() if c.startswith("3.") and c != CONCLUDED_CODE]
    for key, heading in (*APPLICANT_COLUMNS, TOTAL_COLUMN):
        left = count(rows[NEW_CODE], key) + count(rows[CARRIED_IN_CODE], key)
        right = count(rows[CONCLUDED_CODE], key) + count(rows[CARRIED_OVER_CODE], key)
        if left != right:
            found.append(
                Inconsistency(
                    f"disclosure.s3.cross_total.{key}",
                    f"「{heading}」本年新收+上年结转为{left}，办理结果总计+结转下年度为{right}",
                    left,
                    right,
                )
            )
        summed = sum(count(r, key) for r in results)
        stated = count(rows[CONCLUDED_CODE], key)
        if summed != stated:
            found.append(
                Inconsistency(
                    f"disclosure.s3.results_total.{key}",
                    f"「{heading}」（七）总计为{stated}，（一）至（六）之和为{summed}",
                    stated,
                    summed,
                )
            )
    for code, record in rows.items():
        summed = sum(count(record, key) for key, _ in APPLICANT_COLUMNS)
        if summed != count(record, "total"):
            found.append(
                Inconsistency(
                    "disclosure.s3.row_total",
                    f"第{code}项总计为{count(record, 'total')}，各类申请人之和为{summed}",
                    count(record, "total"),
                    summed,
                )
            )
    return found


def check_review_litigation(records: Sequence[Record]) -> list[Inconsistency]:
    found = []
    for record in records:
        parts = sum(count(record, key) for key, _ in RESULT_COLUMNS[:-1])
        if parts != count(record, "total"):
            found.append(
                Inconsistency(
                    "disclosure.s4.row_total",
                    f"{text(record, 'proceeding_zh')}总计为{count(record, 'total')}，"
                    f"维持、纠正、其他、尚未审结之和为{parts}",
                    count(record, "total"),
                    parts,
                )
            )
    return found


@dataclass(frozen=True)
class DisclosureNarrative:
    """Figures section 一 states about requests, reviews and lawsuits (None: not stated).

    "已全部审结" is a stated pending count of 0.
    """

    applications_received: int | None = None
    applications_concluded: int | None = None
    applications_carried_over: int | None = None
    review_cases: int | None = None
    reviews_pending: int | None = None
    litigation_cases: int | None = None
    litigation_pending: int | None = None
    normative_documents_issued: int | None = None


def narrative_statements(n: DisclosureNarrative, prefix: str = "disclosure") -> list[Statement]:
    """Statements over datasets ``applications``, ``review_litigation``, ``proactive``."""
    apps = "applications"
    review = Rows("review_litigation", {"proceeding": "administrative_review"})
    lawsuits = Rows("review_litigation", {"proceeding": LITIGATION})
    candidates: list[tuple[int | None, str, str, Sum]] = [
        (
            n.applications_received,
            "received",
            "本年新收申请",
            Sum(Rows(apps, {"item_code": NEW_CODE}), "total"),
        ),
        (
            n.applications_concluded,
            "concluded",
            "本年办结申请",
            Sum(Rows(apps, {"item_code": CONCLUDED_CODE}), "total"),
        ),
        (
            n.applications_carried_over,
            "carried_over",
            "结转下年度申请",
            Sum(Rows(apps, {"item_code": CARRIED_OVER_CODE}), "total"),
        ),
        (n.review_cases, "review_cases", "行政复议案件数", Sum(review, "total")),
        (n.reviews_pending, "reviews_pending", "行政复议尚未审结数", Sum(review, "pending")),
        (n.litigation_cases, "litigation_cases", "行政诉讼案件数", Sum(lawsuits, "total")),
        (
            n.litigation_pending,
            "litigation_pending",
            "行政诉讼尚未审结数",
            Sum(lawsuits, "pending"),
        ),
        (
            n.normative_documents_issued,
            "normative_documents",
            "本年制发行政规范性文件数",
            Sum(
                Rows("proactive", {"info_content": "行政规范性文件", "metric": "issued_this_year"}),
                "value",
            ),
        ),
    ]
    return [
        StatedCount(f"{prefix}.{ref}", label, stated, measure)
        for stated, ref, label, measure in candidates
        if stated is not None
    ]
