"""The seeds' stated figures (expected.json ``stated``) bound to the engine's own rules.

Only the stated values and the seed's alias tables are taken from expected.json; what each
figure should equal is written here as a Measure over the fixture rows, and the engine
recomputes it. The recorded verdicts (``reconciles``) are never read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from govwatch.engine.interaction.rates import percent
from govwatch.engine.reports import disclosure, schemas
from govwatch.engine.reports.consistency import (
    Add,
    Const,
    IdCount,
    Inconsistency,
    Names,
    RowCount,
    RowRule,
    Rows,
    StatedCount,
    StatedNameCount,
    StatedNames,
    StatedQuarter,
    StatedRate,
    Statement,
    Sub,
    Sum,
    check_all,
    quarter_of,
)
from govwatch.engine.reports.records import Cell, Record, count, split_ids
from govwatch.engine.reports.submission import (
    PointWeights,
    points,
    score_units,
    verdict_inconsistency,
)
from tests.helpers import expected

from .seeds import records
from .test_submission import seed_quotas

FILES = {
    "000_a1_office_system_usage.csv": schemas.OFFICE_DOCUMENTS,
    "000_a2_website_columns.csv": schemas.WEBSITE_COLUMNS,
    "000_a3_mayor_mailbox.csv": schemas.LETTERS,
    "000_a4_department_messages.csv": schemas.LETTERS,
    "000_a5_app_columns.csv": schemas.APP_COLUMNS,
    "001_s2_proactive_disclosure.csv": disclosure.PROACTIVE,
    "001_s3_applications.csv": disclosure.APPLICATIONS,
    "001_s4_review_litigation.csv": disclosure.REVIEW_LITIGATION,
    "002_submission_adoption.csv": schemas.SUBMISSIONS,
    "003_a1_unqualified_accounts.csv": schemas.PROBLEM_ACCOUNTS,
    "003_a2_problem_accounts.csv": schemas.PROBLEM_ACCOUNTS,
    "003_a3_interaction_response.csv": schemas.INTERACTION_RESPONSES,
    "003_a4_portal_submissions.csv": schemas.PORTAL_SUBMISSIONS,
    "003_a5_excellent_accounts.csv": schemas.EXCELLENT_ACCOUNTS,
    "004_a1_unqualified_accounts.csv": schemas.OPENED_ACCOUNTS,
    "004_a2_interaction_test.csv": schemas.INTERACTION_TESTS,
    "004_a3_ticket_completion.csv": schemas.TICKET_COMPLETION,
}


LETTERS_000 = "000_letters"


def dataset() -> dict[str, list[Record]]:
    data = {name: records(name, schema) for name, schema in FILES.items()}
    # 000 三（三） names slow repliers from both letter tables at once.
    data[LETTERS_000] = [*data[A3], *data[A4]]
    return data


def _checks() -> dict[str, dict[str, Any]]:
    return {c["id"]: c for d in expected()["documents"].values() for c in d["checks"]}


def R(name: str, **where: Any) -> Rows:
    return Rows(name, where or None)


A1, A2, A3, A4, A5 = (
    f"000_a{i}_{s}.csv"
    for i, s in zip(
        range(1, 6),
        (
            "office_system_usage",
            "website_columns",
            "mayor_mailbox",
            "department_messages",
            "app_columns",
        ),
        strict=True,
    )
)
S2, S3, S4 = (
    "001_s2_proactive_disclosure.csv",
    "001_s3_applications.csv",
    "001_s4_review_litigation.csv",
)
SUB = "002_submission_adoption.csv"
K1, K2, K3, K4, K5 = (
    f"003_a{i}_{s}.csv"
    for i, s in zip(
        range(1, 6),
        (
            "unqualified_accounts",
            "problem_accounts",
            "interaction_response",
            "portal_submissions",
            "excellent_accounts",
        ),
        strict=True,
    )
)
Y1, Y2, Y3 = (
    "004_a1_unqualified_accounts.csv",
    "004_a2_interaction_test.csv",
    "004_a3_ticket_completion.csv",
)
LATE_003 = ("over_5_working_days", "no_reply")
NOT_ON_TIME_004 = ("late_reply", "no_reply", "channel_unavailable")
ADOPTION_FIELDS = tuple(
    f"{k}_adopted_{lv}_period"
    for k in ("info", "news_brief")
    for lv in ("province", "prefecture", "city")
)


def _startswith(prefix: str) -> Callable[[Cell], bool]:
    return lambda value: str(value).startswith(prefix)


def _measures() -> dict[str, Any]:
    """check id -> Measure (counts), (num, den) (rates) or Names (lists)."""
    m: dict[str, Any] = {
        "000.a1.total_received": Sum(R(A1), "documents_received"),
        "000.a1.total_sent": Sum(R(A1), "documents_sent"),
        "000.body.documents_routed": Add(
            (Sum(R(A1), "documents_received"), Sum(R(A1), "documents_sent"))
        ),
        "000.a2.total_items": Sum(R(A2), "items_submitted"),
        "000.a5.total_items": Sum(R(A5), "items_published"),
        "000.body.slow_reply_units": Names(
            R(LETTERS_000, unreplied_letter_ids=lambda v: bool(split_ids(v))), "department"
        ),
        "001.body.applications_received": Sum(R(S3, item_code="1"), "total"),
        "001.body.applications_closed": Sum(R(S3, item_code="3.7"), "total"),
        "001.body.applications_carried_over": Sum(R(S3, item_code="4"), "total"),
        "001.body.normative_documents": Sum(
            R(S2, info_content="行政规范性文件", metric="issued_this_year"), "value"
        ),
        "001.body.review_cases": Sum(R(S4, proceeding="administrative_review"), "total"),
        "001.body.reviews_concluded": Sum(R(S4, proceeding="administrative_review"), "pending"),
        "001.body.litigation_cases": Sum(R(S4, proceeding=disclosure.LITIGATION), "total"),
        "001.body.litigation_concluded": Sum(R(S4, proceeding=disclosure.LITIGATION), "pending"),
        "002.body.info_received": Sum(R(SUB), "submitted_period"),
        "002.body.adoptions": Add(tuple(Sum(R(SUB), f) for f in ADOPTION_FIELDS)),
        "002.body.unqualified_units": Names(R(SUB, qualified="no"), "unit"),
        "003.body.websites_checked": RowCount(R(K3)),
        "003.body.websites_in_submission_table": RowCount(R(K4)),
        "003.body.new_media_unqualified": RowCount(R(K1)),
        "003.body.new_media_qualified": Sub(Const(294), RowCount(R(K1))),
        "003.body.new_media_pass_rate": (Sub(Const(294), RowCount(R(K1))), Const(294)),
        "003.body.excellent_accounts": ("name_count", Names(R(K5), "account_name")),
        "003.body.reply_within_1wd_pct": (
            RowCount(R(K3, response_category="within_1_working_day")),
            RowCount(R(K3)),
        ),
        "003.body.no_reply_within_5wd_pct": (
            RowCount(R(K3, response_category=LATE_003)),
            RowCount(R(K3)),
        ),
        "003.body.no_reply_within_5wd_sites": Names(R(K3, response_category=LATE_003), "site_name"),
        "003.body.unqualified_account_names": Names(R(K1), "account_name"),
        "003.body.portal_submitted": Sum(R(K4), "items_submitted"),
        "003.body.portal_adopted": Sum(R(K4), "items_adopted"),
        "003.body.portal_adoption_rate_stated_base": (Sum(R(K4), "items_adopted"), Const(1865)),
        "003.body.portal_adoption_rate_table_base": (
            Sum(R(K4), "items_adopted"),
            Sum(R(K4), "items_submitted"),
        ),
        "003.body.under_5_submissions": Names(
            R(K4, items_submitted=lambda v: isinstance(v, int) and v < 5), "unit"
        ),
        "004.body.new_media_unqualified": RowCount(R(Y1)),
        "004.body.new_media_qualified": Sub(Const(1521), RowCount(R(Y1))),
        "004.body.new_media_pass_rate": (Sub(Const(1521), RowCount(R(Y1))), Const(1521)),
        "004.body.unqualified_account_names": Names(R(Y1), "account_name"),
        "004.body.on_time_reply_rate": (Const(251), Const(286)),
        "004.body.not_on_time": RowCount(R(Y2, category=NOT_ON_TIME_004)),
        "004.a3.total_tickets": Sum(R(Y3), "tickets_total"),
        "004.a3.total_closed": Sum(R(Y3), "tickets_closed"),
        "004.a3.website_tickets": Sum(R(Y3), "website_tickets"),
        "004.a3.website_closed": Sum(R(Y3), "website_tickets_closed"),
        "004.a3.new_media_tickets": Sum(R(Y3), "new_media_tickets"),
        "004.a3.new_media_closed": Sum(R(Y3), "new_media_tickets_closed"),
        "004.body.completion_rate": (Sum(R(Y3), "tickets_closed"), Sum(R(Y3), "tickets_total")),
        "004.a3.weinan_rate": (
            Sum(R(Y3, region_or_unit="渭南市"), "tickets_closed"),
            Sum(R(Y3, region_or_unit="渭南市"), "tickets_total"),
        ),
        "004.body.units_at_100pct": Names(
            R(Y3, rectification_rate_pct_stated=lambda v: v == Decimal("100.00")), "region_or_unit"
        ),
        "004.yulin.units_to_rectify": Names(
            R(Y2, category=NOT_ON_TIME_004, site_name=_startswith("榆林")), "site_name"
        ),
    }
    for prefix, name in (("000.a3", A3), ("000.a4", A4)):
        m[f"{prefix}.units"] = RowCount(R(name))
        m[f"{prefix}.total_received"] = Sum(R(name), "letters_received")
        m[f"{prefix}.total_replied"] = Sum(R(name), "letters_replied")
        m[f"{prefix}.unreplied"] = Sub(
            Sum(R(name), "letters_received"), Sum(R(name), "letters_replied")
        )
        m[f"{prefix}.unreplied_ids"] = IdCount(R(name), "unreplied_letter_ids")
    for code in (
        "within_1_working_day",
        "within_5_working_days",
        "over_5_working_days",
        "no_reply",
    ):
        m[f"003.a3.count.{code}"] = RowCount(R(K3, response_category=code))
    for code in ("same_day_reply", "late_reply", "no_reply", "channel_unavailable"):
        m[f"004.a2.count.{code}"] = RowCount(R(Y2, category=code))
    for key in [f.key for f in schemas.SUBMISSIONS.fields if f.kind == "count" and f.key != "seq"]:
        m[f"002.total.{key}"] = Sum(R(SUB), key)
    return m


def _row_rules() -> dict[str, RowRule]:
    weights = PointWeights()

    def unreplied(r: Record) -> tuple[object, object]:
        return count(r, "letters_received") - count(r, "letters_replied"), len(
            split_ids(r.get("unreplied_letter_ids"))
        )

    def split(r: Record) -> tuple[object, object]:
        return (
            (count(r, "tickets_total"), count(r, "tickets_closed")),
            (
                count(r, "website_tickets") + count(r, "new_media_tickets"),
                count(r, "website_tickets_closed") + count(r, "new_media_tickets_closed"),
            ),
        )

    def rate(r: Record) -> tuple[object, object]:
        return r.get("rectification_rate_pct_stated"), percent(
            count(r, "tickets_closed"), count(r, "tickets_total"), 2, "half_up"
        )

    def pts(span: str) -> Callable[[Record], tuple[object, object]]:
        return lambda r: (count(r, f"points_{span}"), points(r, span, weights))

    rules = {
        "000.a3.row_unreplied": RowRule(
            "000.a3.row_unreplied", "未回复件数与编号", A3, "department", unreplied
        ),
        "000.a4.row_unreplied": RowRule(
            "000.a4.row_unreplied", "未回复件数与编号", A4, "department", unreplied
        ),
        "004.a3.row_split": RowRule(
            "004.a3.row_split", "问题数=网站+新媒体", Y3, "region_or_unit", split
        ),
        "004.a3.row_rate": RowRule("004.a3.row_rate", "整改率", Y3, "region_or_unit", rate),
        "002.points_period": RowRule("002.points_period", "本期积分", SUB, "unit", pts("period")),
        "002.points_cumulative": RowRule(
            "002.points_cumulative", "累计积分", SUB, "unit", pts("cumulative")
        ),
    }
    return rules


# Checks of section 001 三/四 are the disclosure module's own cross-total rules.
DISCLOSURE_RULES = (
    "001.s3.cross_total.",
    "001.s3.results_total.",
    "001.s3.row_total",
    "001.s4.row_total",
)


def seed_statements() -> tuple[list[Statement], set[str]]:
    """Statements for every seed figure the rows can recompute; also the ids they cover."""
    checks = _checks()
    measures = _measures()
    statements: list[Statement] = []
    covered: set[str] = set()
    for ref, measure in measures.items():
        check = checks[ref]
        value = check["stated"]["value"]
        label = check["stated"]["text"]
        covered.add(ref)
        if isinstance(measure, Names):
            statements.append(StatedNames(ref, label, tuple(value), measure, check.get("aliases")))
        elif isinstance(measure, tuple) and measure[0] == "name_count":
            statements.append(StatedNameCount(ref, label, value, measure[1]))
        elif isinstance(measure, tuple):
            decimals = check["stated"]["decimals"]
            statements.append(
                StatedRate(
                    ref,
                    label,
                    Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals)),
                    measure[0],
                    measure[1],
                    decimals,
                )
            )
        else:
            statements.append(StatedCount(ref, label, value, measure))
    for ref, rule in _row_rules().items():
        statements.append(rule)
        covered.add(ref)
    quarter = checks["004.body.ticket_quarter_label"]
    period = quarter_of(expected()["documents"]["004"]["period"]["label_zh"])
    assert period is not None
    statements.append(
        StatedQuarter(
            "004.body.ticket_quarter_label", "问题清单所属季度", quarter["stated"]["text"], period
        )
    )
    covered.add("004.body.ticket_quarter_label")
    covered.update(ref for ref in checks if ref.startswith(DISCLOSURE_RULES))
    covered.add("002.quota_rule_reproduces_verdicts")
    return statements, covered


def run_seed_checks() -> tuple[list[Inconsistency], set[str]]:
    data = dataset()
    statements, covered = seed_statements()
    found = check_all(data, statements)
    found += _prefixed(disclosure.check_applications(data[S3]), "001.s3")
    found += _prefixed(disclosure.check_review_litigation(data[S4]), "001.s4")
    subs = data[SUB]
    verdict = verdict_inconsistency(
        "002.quota_rule_reproduces_verdicts", subs, score_units(subs, seed_quotas(), months=2)
    )
    if verdict is not None:
        found.append(verdict)
    return found, covered


def _prefixed(found: list[Inconsistency], prefix: str) -> list[Inconsistency]:
    return [Inconsistency(f"{prefix}:{f.ref}", f.message_zh, f.stated, f.computed) for f in found]
