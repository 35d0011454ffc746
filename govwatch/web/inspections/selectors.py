"""Read-only queries over inspection results: the lists a bulletin needs, and pass rates."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from govwatch.engine.profiles import format_rate, load_profile, pass_rates
from govwatch.engine.profiles.rates import RateRow
from govwatch.web.inspections.models import COUNTING, PROBLEMS, Inspection, InspectionResult
from govwatch.web.registry.services import UnitIndex


@dataclass(frozen=True)
class Lists:
    unqualified: list[InspectionResult]
    with_problems: list[InspectionResult]  # qualified, but with counting problems
    excellent: list[InspectionResult]
    unknown: list[InspectionResult]


def inspection_lists(inspection: Inspection, *, excellent_min_score: float = 95.0) -> Lists:
    """Excellent = qualified, score at least EXCELLENT_MIN_SCORE, and no counting problem."""
    results = list(
        inspection.results.select_related("site", "account").prefetch_related("findings")
    )

    def problems(result: InspectionResult) -> list[object]:
        return [f for f in result.findings.all() if f.state in COUNTING and f.severity in PROBLEMS]

    qualified = [r for r in results if r.verdict == "qualified"]
    return Lists(
        unqualified=[r for r in results if r.verdict == "unqualified"],
        with_problems=[r for r in qualified if problems(r)],
        excellent=[
            r
            for r in qualified
            if not problems(r) and r.score is not None and r.score >= excellent_min_score
        ],
        unknown=[r for r in results if r.verdict == "unknown"],
    )


@dataclass(frozen=True)
class Counts:
    total: int
    unqualified: int
    with_problems: int
    unknown: int


def inspection_counts(inspection: Inspection) -> Counts:
    """The sizes of ``inspection_lists``' lists, counted by the database, not in memory."""
    results = inspection.results.order_by()
    by_verdict = dict(results.values_list("verdict").annotate(n=Count("pk")))
    problems = results.filter(
        verdict="qualified", findings__state__in=COUNTING, findings__severity__in=PROBLEMS
    )
    return Counts(
        total=sum(by_verdict.values()),
        unqualified=by_verdict.get("unqualified", 0),
        with_problems=problems.values("pk").distinct().count(),
        unknown=by_verdict.get("unknown", 0),
    )


def inspection_pass_rates(inspection: Inspection) -> list[RateRow]:
    """合格率 per region (the operating unit's government) and kind, in the profile's rounding."""
    index = UnitIndex.load()
    profile = load_profile(inspection.profile)
    records = []
    for result in inspection.results.select_related("site", "account").exclude(verdict="unknown"):
        if result.site is not None:
            unit, kind = result.site.operating_unit_id, "gov_website"
        else:
            assert result.account is not None
            unit, kind = result.account.opening_unit_id, "gov_new_media_account"
        region = index.display[index.region_of(unit)]
        records.append((region, kind, result.verdict == "qualified"))
    return pass_rates(records, profile.rate_format("pass_rate"))


def inspection_pass_rate_text(inspection: Inspection, kind: str = "site") -> str:
    """合格率 of the judged sites (kind="site") or accounts (kind="account")."""
    judged = inspection.results.exclude(verdict="unknown").filter(**{f"{kind}__isnull": False})
    profile = load_profile(inspection.profile)
    qualified, total = judged.filter(verdict="qualified").count(), judged.count()
    if not total:
        return "—"  # nothing judged: a rate would be meaningless, not 0 %
    return format_rate(qualified, total, profile.rate_format("pass_rate"))
