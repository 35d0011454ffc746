"""Information submission scoring (政务信息报送, seed 002): points, quotas, verdicts, 约稿.

Points weights and quotas are data an office sets (PointWeights, QuotaClass), never constants
in the scoring code. The published verdicts of seed 002 do not all follow its own quotas, so a
verdict is the quota rule's result unless the office recorded an override with a reason;
the override is kept on the result and printed, never silently applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from govwatch.engine.reports.consistency import Inconsistency
from govwatch.engine.reports.records import Record, count, text
from govwatch.engine.reports.tables import Table, TableRow

LEVELS = ("province", "prefecture", "city")
KINDS = ("info", "news_brief")
SPANS = ("period", "cumulative")
_LEVEL_ZH = {"province": "省", "prefecture": "州", "city": "市"}
_KIND_ZH = {"info": "信息采用情况", "news_brief": "动态采用情况"}


@dataclass(frozen=True)
class PointWeights:
    """Points per submission and per adoption by (kind, level); seed 002 note 3 by default."""

    submitted: int = 1
    adopted: Mapping[tuple[str, str], int] = field(
        default_factory=lambda: {
            ("info", "province"): 30,
            ("news_brief", "province"): 15,
            ("info", "prefecture"): 15,
            ("news_brief", "prefecture"): 5,
            ("info", "city"): 5,
            ("news_brief", "city"): 3,
        }
    )


@dataclass(frozen=True)
class QuotaClass:
    """Monthly minimums for a class of units; ``None`` means the class has no such quota."""

    name: str
    units: frozenset[str]
    min_submissions_per_month: int | None
    min_adoptions_per_month: int | None = None
    # Seed 002's verdicts imply news briefs (动态) count as adoptions; an office may say not.
    news_briefs_count: bool = True


@dataclass(frozen=True)
class VerdictOverride:
    qualified: bool
    reason_zh: str


@dataclass(frozen=True)
class UnitScore:
    unit: str
    submitted: Mapping[str, int]  # span -> count
    adopted: Mapping[tuple[str, str, str], int]  # (kind, level, span) -> count
    points: Mapping[str, int]  # span -> points
    quota_class: str | None
    rule_qualified: bool | None  # None: no quota applies
    rule_reason_zh: str
    override: VerdictOverride | None = None

    @property
    def qualified(self) -> bool:
        if self.override is not None:
            return self.override.qualified
        return self.rule_qualified is not False


def points(record: Record, span: str, weights: PointWeights) -> int:
    """积分 for one unit over ``span`` (period or cumulative)."""
    total = weights.submitted * count(record, f"submitted_{span}")
    for (kind, level), weight in weights.adopted.items():
        total += weight * count(record, f"{kind}_adopted_{level}_{span}")
    return total


def _quota_verdict(record: Record, quota: QuotaClass, months: int) -> tuple[bool | None, str]:
    reasons: list[str] = []
    ok = True
    submitted = count(record, "submitted_period")
    if quota.min_submissions_per_month is not None:
        need = quota.min_submissions_per_month * months
        if submitted < need:
            ok = False
            reasons.append(f"报送{submitted}条，少于应报{need}条")
    if quota.min_adoptions_per_month is not None:
        kinds = KINDS if quota.news_briefs_count else ("info",)
        adopted = sum(count(record, f"{k}_adopted_{lv}_period") for k in kinds for lv in LEVELS)
        need = quota.min_adoptions_per_month * months
        if adopted < need:
            ok = False
            reasons.append(f"采用{adopted}条，少于应采用{need}条")
    return ok, "；".join(reasons) or "达到报送要求"


def score_units(
    records: Sequence[Record],
    quotas: Sequence[QuotaClass],
    *,
    months: int,
    weights: PointWeights | None = None,
    overrides: Mapping[str, VerdictOverride] | None = None,
) -> list[UnitScore]:
    """Score every unit; ``months`` is how many months the period covers (2 for May–June)."""
    weights = weights or PointWeights()
    overrides = overrides or {}
    scores = []
    for record in records:
        unit = text(record, "unit")
        quota = next((q for q in quotas if unit in q.units), None)
        if quota is None:
            verdict, reason = None, "未设定报送任务"
        else:
            verdict, reason = _quota_verdict(record, quota, months)
        scores.append(
            UnitScore(
                unit=unit,
                submitted={span: count(record, f"submitted_{span}") for span in SPANS},
                adopted={
                    (kind, level, span): count(record, f"{kind}_adopted_{level}_{span}")
                    for kind in KINDS
                    for level in LEVELS
                    for span in SPANS
                },
                points={span: points(record, span, weights) for span in SPANS},
                quota_class=None if quota is None else quota.name,
                rule_qualified=verdict,
                rule_reason_zh=reason,
                override=overrides.get(unit),
            )
        )
    return scores


def stated_verdict_overrides(
    records: Sequence[Record], scores: Sequence[UnitScore], reason_zh: str
) -> dict[str, VerdictOverride]:
    """Overrides that make the verdicts equal a received table's 是否合格 column.

    For importing a published table: every place where the office's verdict differs from the
    quota rule becomes an explicit override carrying ``reason_zh``, so it shows in reports.
    """
    result: dict[str, VerdictOverride] = {}
    for record, score in zip(records, scores, strict=True):
        stated = text(record, "qualified")
        if not stated:
            continue
        wanted = stated == "yes"
        if (score.rule_qualified is not False) != wanted:
            result[score.unit] = VerdictOverride(wanted, reason_zh)
    return result


def submission_table(scores: Sequence[UnitScore], title: str = "信息报送采用情况统计表") -> Table:
    """002 附件: 合格 first, then 不合格, each by period points descending; 合计 last.

    The sort is stable: ties keep the order the units came in (the seed shows no tie-break).
    """
    ordered = sorted(scores, key=lambda s: (not s.qualified, -s.points["period"]))
    headings = ["序号", "单位", "信息报送情况/本月报送", "信息报送情况/累计报送"]
    keys: list[tuple[str, str]] = []
    for kind in KINDS:
        for level in LEVELS:
            for span, span_zh in (("period", "本月采用"), ("cumulative", "累计采用")):
                headings.append(f"{_KIND_ZH[kind]}/{_LEVEL_ZH[level]}/{span_zh}")
                keys.append((kind, f"{level}:{span}"))
    headings += ["积分/本月积分", "积分/累计积分", "是否合格"]

    def numbers(score: UnitScore) -> list[int]:
        values = [score.submitted["period"], score.submitted["cumulative"]]
        for kind, level_span in keys:
            level, span = level_span.split(":")
            values.append(score.adopted[(kind, level, span)])
        return [*values, score.points["period"], score.points["cumulative"]]

    rows = [
        TableRow((index, score.unit, *numbers(score), "合格" if score.qualified else "不合格"))
        for index, score in enumerate(ordered, start=1)
    ]
    sums = [sum(column) for column in zip(*(numbers(s) for s in scores), strict=True)]
    total = TableRow(("合计", "", *sums, ""), "total")
    return Table("submissions", title, tuple(headings), (*rows, total))


@dataclass(frozen=True)
class CommissionedArticle:
    """约稿: a topic the office asked for, by when, and when (if) it arrived."""

    topic_zh: str
    responsible_units: tuple[str, ...]
    due_date: dt.date
    received_date: dt.date | None = None

    def late(self, today: dt.date, grace: Callable[[dt.date], dt.date] | None = None) -> bool:
        """Arrived after the due date, or still missing after it (as of ``today``)."""
        due = grace(self.due_date) if grace else self.due_date
        if self.received_date is not None:
            return self.received_date > due
        return today > due


def commissioned_articles(records: Sequence[Record]) -> list[CommissionedArticle]:
    articles = []
    for record in records:
        due = record.get("due_date")
        received = record.get("received_date")
        if not isinstance(due, dt.date):
            raise TypeError("due_date 应为日期")
        articles.append(
            CommissionedArticle(
                topic_zh=text(record, "topic_zh"),
                responsible_units=tuple(
                    u for u in text(record, "responsible_units").split("、") if u
                ),
                due_date=due,
                received_date=received if isinstance(received, dt.date) else None,
            )
        )
    return articles


def late_articles(
    articles: Sequence[CommissionedArticle],
    today: dt.date,
    grace: Callable[[dt.date], dt.date] | None = None,
) -> list[CommissionedArticle]:
    """Articles that arrived (or are still missing) after their due date.

    ``grace`` moves a due date when an office allows some, e.g. one working day on the
    official calendar: ``lambda d: workdays.add_working_days(d, 1)``. The seed's due dates
    are plain calendar dates, so there is none by default.
    """
    return [article for article in articles if article.late(today, grace)]


def commissioned_table(articles: Sequence[CommissionedArticle], today: dt.date) -> Table:
    rows = []
    for index, article in enumerate(articles, start=1):
        if article.received_date is None:
            state = "逾期未报" if today > article.due_date else "未到期"
        else:
            state = "逾期报送" if article.late(today) else "按时报送"
        rows.append(
            TableRow(
                (
                    index,
                    article.topic_zh,
                    "、".join(article.responsible_units),
                    article.due_date,
                    state,
                )
            )
        )
    return Table(
        "commissioned_articles",
        "约稿报送情况",
        ("序号", "约稿题目", "责任单位", "报送期限", "报送情况"),
        tuple(rows),
    )


def verdict_inconsistency(
    ref: str, records: Sequence[Record], scores: Sequence[UnitScore]
) -> Inconsistency | None:
    """Stated 是否合格 column against the quota rule: one finding naming every unit that differs.

    Overrides are ignored here on purpose: the question is whether the rule explains the table.
    """
    differ = [
        score.unit
        for record, score in zip(records, scores, strict=True)
        if text(record, "qualified")
        and (score.rule_qualified is not False) != (text(record, "qualified") == "yes")
    ]
    if not differ:
        return None
    stated_failed = sum(1 for record in records if text(record, "qualified") == "no")
    rule_failed = sum(1 for score in scores if score.rule_qualified is False)
    return Inconsistency(
        ref,
        f"是否合格结论与报送任务规则不一致：表中不合格{stated_failed}个，按规则不合格{rule_failed}个"
        f"（结论不同的单位：{'、'.join(differ)}）",
        stated_failed,
        rule_failed,
    )
