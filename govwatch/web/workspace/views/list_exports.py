"""The Excel exports of the workspace's lists: the columns of each and its rows, built from
the very queryset (or rows) the page shows, so that page and export cannot disagree. Each
function takes every row of the filtered list, not one page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from govwatch.engine.labels import FINDING_STATE_ZH, SEVERITY_ZH, VERDICT_ZH
from govwatch.web.tickets.models import ITEM_STATE_ZH, RECHECK_ZH, SUBJECT_ZH, ProblemList
from govwatch.web.workspace.exports import xlsx_response
from govwatch.web.workspace.templatetags.workspace_tags import days_left_zh, profile_name
from govwatch.web.workspace.views.lists import with_days_left

# The queries stream in chunks: an inspection of a province has 100,000 findings.
CHUNK = 2000


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d")


def inspections_export(rows: Iterable[dict[str, Any]]) -> HttpResponse:
    columns = [
        "编号", "检查期", "开始日期", "结束日期", "指标方案", "范围", "创建时间",
        "检查结果", "待确认问题", "已确认待下发",
    ]  # fmt: skip

    def table() -> Iterator[Sequence[object]]:
        for row in rows:
            inspection = row["inspection"]
            scope = inspection.get_scope_display()
            if inspection.region_id:
                scope = f"{scope}（{inspection.region.name}）"
            yield (
                inspection.pk, inspection.period, inspection.period_start,
                inspection.period_end, profile_name(inspection.profile), scope,
                inspection.created_at, row["results"], row["open"], row["unsent"],
            )  # fmt: skip

    return xlsx_response(f"检查-{_stamp()}.xlsx", "检查", columns, table())


def _subject(site: Any, account: Any) -> tuple[str, str, str]:
    if site is not None:
        return "网站", site.site_code, site.name
    if account is not None:
        return "政务新媒体", account.platform, account.name
    return "", "", ""


def results_export(inspection: Any, results: QuerySet[Any]) -> HttpResponse:
    columns = ["类型", "网站标识码／平台", "名称", "结论", "得分", "结论说明"]

    def table() -> Iterator[Sequence[object]]:
        for result in results.iterator(chunk_size=CHUNK):
            yield (
                *_subject(result.site, result.account),
                VERDICT_ZH.get(result.verdict, result.verdict),
                result.score,
                result.reason,
            )

    name = f"检查结果-{inspection.period}-{inspection.pk}.xlsx"
    return xlsx_response(name, f"检查结果 {inspection.period}", columns, table())


def findings_export(inspection: Any, findings: QuerySet[Any], state: str) -> HttpResponse:
    columns = [
        "类型", "网站标识码／平台", "名称", "指标代码", "性质", "状态", "问题描述",
        "问题位置", "已下发",
    ]  # fmt: skip

    def table() -> Iterator[Sequence[object]]:
        for finding in findings.iterator(chunk_size=CHUNK):
            yield (
                *_subject(finding.result.site, finding.result.account),
                finding.code,
                SEVERITY_ZH.get(finding.severity, finding.severity),
                FINDING_STATE_ZH.get(finding.state, finding.state),
                finding.message,
                finding.target_id,
                "是" if finding.sent else "否",
            )

    suffix = f"-{FINDING_STATE_ZH[state]}" if state else ""
    name = f"问题-{inspection.period}{suffix}-{inspection.pk}.xlsx"
    return xlsx_response(name, f"问题 {inspection.period}", columns, table())


def lists_export(lists: QuerySet[ProblemList], *, with_unit: bool = True) -> HttpResponse:
    columns = [
        *(["责任单位"] if with_unit else []),
        "检查期", "下发时间", "整改期限", "剩余工作日", "签收时间", "条目", "已办结", "已逾期",
    ]  # fmt: skip
    rows = with_days_left(lists)  # one calendar read for all of them

    def table() -> Iterator[Sequence[object]]:
        for row in rows:
            pl = row["list"]
            all_closed = pl.total > 0 and pl.closed == pl.total
            yield (
                *([pl.unit.name] if with_unit else []),
                pl.period, pl.sent_at, pl.deadline,
                "已全部办结" if all_closed else days_left_zh(row["days_left"]),
                pl.received_at, pl.total, pl.closed, pl.overdue,
            )  # fmt: skip

    return xlsx_response(f"问题清单-{_stamp()}.xlsx", "问题清单", columns, table())


def items_export(problem_list: ProblemList, items: QuerySet[Any]) -> HttpResponse:
    columns = [
        "序号", "对象类型", "网站／账号", "栏目", "指标代码", "指标", "问题描述", "问题位置",
        "状态", "整改情况说明", "复查结果", "提交时间", "办结时间",
    ]  # fmt: skip

    def table() -> Iterator[Sequence[object]]:
        for number, item in enumerate(items.iterator(chunk_size=CHUNK), start=1):
            owner = item.site.name if item.site_id else item.account.name if item.account_id else ""
            yield (
                number, SUBJECT_ZH.get(item.subject, item.subject), owner,
                item.column.name if item.column_id else "", item.code, item.title, item.message,
                item.target_id, ITEM_STATE_ZH.get(item.state, item.state), item.answer,
                RECHECK_ZH.get(item.recheck, item.recheck), item.submitted_at, item.closed_at,
            )  # fmt: skip

    name = f"问题清单-{problem_list.unit.name}-{problem_list.period}.xlsx"
    return xlsx_response(name, f"问题清单 {problem_list.period}", columns, table())


COMPLETION_COUNTS = [
    ("合计问题数量", "tickets_total"),
    ("合计已办结", "tickets_closed"),
    ("政府网站问题数量", "website_tickets"),
    ("政府网站已办结", "website_tickets_closed"),
    ("政务新媒体问题数量", "new_media_tickets"),
    ("政务新媒体已办结", "new_media_tickets_closed"),
]


def completion_export(
    rows: list[dict[str, Any]], total: dict[str, Any] | None, period: str, by_unit: bool
) -> HttpResponse:
    """The 办结率 table as the page shows it: by region with its 合计, or by unit."""
    label = "责任单位" if by_unit else "市(区)／省直单位"
    columns = [
        "序号", label, *(["所属地区"] if by_unit else []), "办结率",
        *(title for title, _ in COMPLETION_COUNTS),
    ]  # fmt: skip

    def line(number: object, row: dict[str, Any]) -> list[object]:
        return [
            number,
            row["region_or_unit"],
            *([row.get("region", "")] if by_unit else []),
            row["completion_rate_zh"],
            *(row[key] for _, key in COMPLETION_COUNTS),
        ]

    table = [line(number, row) for number, row in enumerate(rows, start=1)]
    if total is not None and not by_unit:
        table.append(line("", total))
    what = "按责任单位" if by_unit else "按地区"
    name = f"办结率-{what}-{period or '全部检查期'}.xlsx"
    return xlsx_response(name, f"办结率{what}", columns, table)
