"""What the drill pages read, for a whole page of rows at once: the latest verdict of each
site and account per period, the problems still counting, the units' counts, a site's
columns with their newest snapshot and its availability, an account's posting figures.

Each function is a fixed number of queries, whatever the number of rows it serves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpRequest
from django.utils import timezone

from govwatch.engine.checks import registry
from govwatch.engine.checks.base import ratio_text
from govwatch.engine.checks.updates.columns import window_start, window_zh
from govwatch.web.inspections.models import COUNTING, PROBLEMS, InspectionResult
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.scans.models import ColumnSnapshot, Probe, ProbeDay, ScanFinding, ScanRun
from govwatch.web.tickets.models import ProblemList
from govwatch.web.users.selectors import (
    Scope,
    accounts_visible,
    findings_visible,
    problem_lists_visible,
    results_visible,
    sites_visible,
    units_visible,
)
from govwatch.web.workspace.views.access import paginate
from govwatch.web.workspace.views.drill_evidence import scan_findings_visible
from govwatch.web.workspace.views.lists import lists_with_counts

# Inspection periods shown as columns of a unit's sites and accounts (newest first).
VERDICT_PERIODS = 4
# Days of availability probes and of posts a site or account page sums up.
AVAILABILITY_DAYS = 30
POST_WINDOWS = (1, 7, 14, 30)
PER_PAGE = 20
# The JSON a scan keeps that no page of these lists reads: never loaded with the runs.
RUN_BULK = ("facts", "failures", "text_hits")


def region_of(scope: Scope, unit: Unit) -> int:
    """The region page a unit links up to: its parent's when the login sees the parent,
    else its own (a supervisor's own region has no visible parent)."""
    return unit.parent_id if unit.parent_id and scope.sees_unit(unit.parent_id) else unit.pk


# --- Verdicts per period -----------------------------------------------------------------


@dataclass
class Verdicts:
    """The latest result of each target in each period, and the periods, newest first."""

    periods: list[str] = field(default_factory=list)
    by_target: dict[tuple[str, int], dict[str, InspectionResult]] = field(default_factory=dict)

    def row(self, kind: str, pk: int) -> list[InspectionResult | None]:
        cells = self.by_target.get((kind, pk), {})
        return [cells.get(period) for period in self.periods]


def _pks(rows: Iterable[int] | QuerySet[Any]) -> Any:
    # A queryset stays a subquery (an export's every row); a page's pks are a short list.
    return rows if isinstance(rows, QuerySet) else list(rows)


def latest_verdicts(
    scope: Scope, sites: Iterable[int] | QuerySet[Any], accounts: Iterable[int] | QuerySet[Any]
) -> Verdicts:
    """One query for a page of sites and accounts (or, for an export, querysets of their
    pks): a re-run inspection of a period replaces the earlier one (its result is the
    latest), and the newest periods become the columns."""
    rows = (
        results_visible(scope)
        .filter(Q(site__in=_pks(sites)) | Q(account__in=_pks(accounts)))
        .select_related("inspection")
        .order_by("inspection__period_end", "inspection__created_at", "pk")
    )
    verdicts = Verdicts()
    ends: dict[str, date] = {}
    for result in rows:
        key = ("site", result.site_id) if result.site_id else ("account", result.account_id or 0)
        period = result.inspection.period
        verdicts.by_target.setdefault(key, {})[period] = result
        ends[period] = max(
            ends.get(period, result.inspection.period_end), result.inspection.period_end
        )
    verdicts.periods = sorted(ends, key=lambda p: (ends[p], p), reverse=True)[:VERDICT_PERIODS]
    return verdicts


def latest_results(scope: Scope, targets: Q) -> list[int]:
    """The newest result of each target matching TARGETS (a Q over InspectionResult)."""
    rows = (
        results_visible(scope)
        .filter(targets)
        .order_by("-inspection__period_end", "-inspection__created_at", "-pk")
        .values_list("pk", "site_id", "account_id")
    )
    seen: set[tuple[int | None, int | None]] = set()
    latest = []
    for pk, site_id, account_id in rows:
        if (site_id, account_id) not in seen:
            seen.add((site_id, account_id))
            latest.append(pk)
    return latest


def current_findings(scope: Scope, targets: Q) -> QuerySet[Any]:
    """Problems still counting (待确认 or 已确认) in each target's latest result."""
    return (
        findings_visible(scope)
        .filter(result__in=latest_results(scope, targets), severity__in=PROBLEMS)
        .filter(state__in=COUNTING)
        .select_related("result__inspection", "result__site", "result__account")
        .order_by("-result__inspection__period_end", "result__site__site_code", "code", "pk")
    )


# --- The tables' queries: the page pages through them, the export reads them whole -------


def unit_children(scope: Scope, unit: Unit) -> QuerySet[Unit]:
    return (
        units_visible(scope)
        .filter(parent=unit)
        .annotate(
            n_sites=count_of(Site, "operating_unit"),
            n_accounts=count_of(Account, "opening_unit"),
            n_children=count_of(Unit, "parent"),
        )
        .order_by("name", "pk")
    )


def unit_sites(scope: Scope, unit: Unit) -> QuerySet[Site]:
    return sites_visible(scope).filter(operating_unit=unit).order_by("site_code", "pk")


def unit_accounts(scope: Scope, unit: Unit) -> QuerySet[Account]:
    return accounts_visible(scope).filter(opening_unit=unit).order_by("platform", "name", "pk")


def current_findings_of(scope: Scope, **target: Site | Account) -> QuerySet[Any]:
    """The problems still counting of one site (site=) or account (account=)."""
    return current_findings(scope, Q(**target))


def unit_problems(scope: Scope, unit: Unit) -> QuerySet[Any]:
    return current_findings(scope, Q(site__operating_unit=unit) | Q(account__opening_unit=unit))


def unit_lists(scope: Scope, unit: Unit) -> QuerySet[ProblemList]:
    return lists_with_counts(
        problem_lists_visible(scope).filter(unit=unit).select_related("inspection")
    ).order_by("-sent_at", "-pk")


def target_results(scope: Scope, **target: Site | Account) -> QuerySet[InspectionResult]:
    """The results of one site (site=) or account (account=), newest period first."""
    return (
        results_visible(scope)
        .filter(**target)
        .select_related("inspection")
        .order_by("-inspection__period_end", "-inspection__created_at", "-pk")
    )


def site_scans(site: Site) -> QuerySet[ScanRun]:
    return (
        ScanRun.objects.filter(site=site)
        .defer(*RUN_BULK)
        .annotate(n_findings=Count("findings", filter=Q(findings__severity__in=PROBLEMS)))
        .order_by("-scan_date", "-finished_at", "-pk")
    )


def latest_full_scan(site: Site) -> ScanRun | None:
    return (
        ScanRun.objects.filter(site=site, kind="full")
        .defer(*RUN_BULK)
        .order_by("-scan_date", "-finished_at", "-pk")
        .first()
    )


def run_problems(scope: Scope, run: ScanRun) -> QuerySet[ScanFinding]:
    """The problems a scan found (not its notes), in scope."""
    return (
        scan_findings_visible(scope)
        .filter(run=run, severity__in=PROBLEMS)
        .order_by("code", "target_id", "pk")
    )


def account_posts(account: Account) -> QuerySet[Post]:
    return (
        Post.objects.filter(account=account)
        .only("pk", "published_at", "title", "url", "is_original", "text_hits")
        .order_by("-published_at", "-pk")
    )


def account_fetches(account: Account) -> QuerySet[FetchAttempt]:
    return FetchAttempt.objects.filter(account=account).order_by("-at", "-pk")


# --- Units ------------------------------------------------------------------------------


def count_of(model: type[Model], to_unit: str) -> Coalesce:
    """Rows of MODEL pointing at each unit, as a subquery: three joined counts would
    multiply each other's rows (sites × accounts × children per unit)."""
    rows = (
        model._default_manager.filter(**{to_unit: OuterRef("pk")})
        .order_by()
        .values(to_unit)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0))


# --- Sites and accounts -----------------------------------------------------------------


def column_state(column: Column, snap: ColumnSnapshot | None) -> dict[str, Any]:
    """A registered column as its latest snapshot saw it, judged at that scan's date on the
    column's own cadence, else the national long-term windows (UPD003) for its kind."""
    if snap is None:
        return {"label": "尚未扫描", "stale": None, "window": ""}
    if snap.error:
        return {"label": "无法获取", "stale": None, "window": ""}
    if snap.blank or snap.item_count == 0:
        return {"label": "空白栏目", "stale": True, "window": ""}
    windows = registry.get("UPD003").default_params().windows
    window = f"{column.cadence_days}d" if column.cadence_days else windows.get(column.kind)
    if window is None:
        return {"label": "不考核更新", "stale": None, "window": ""}
    if snap.newest_date is None:
        return {"label": "无日期（按未更新计）", "stale": True, "window": window_zh(window)}
    if snap.newest_date < window_start(snap.run.scan_date, window):
        return {"label": "超期未更新", "stale": True, "window": window_zh(window)}
    return {"label": "正常更新", "stale": False, "window": window_zh(window)}


def site_column_query(site: Site) -> QuerySet[Column]:
    """The site's registered columns, each annotated with its newest snapshot's pk."""
    newest = (
        ColumnSnapshot.objects.filter(column=OuterRef("pk"))
        .order_by("-run__scan_date", "-run__finished_at", "-pk")
        .values("pk")[:1]
    )
    return (
        Column.objects.filter(site=site).annotate(snap_id=Subquery(newest)).order_by("name", "pk")
    )


def site_columns(request: HttpRequest, site: Site) -> tuple[Any, list[dict[str, Any]]]:
    """A page of the site's registered columns, each with its newest snapshot (two queries)."""
    columns = paginate(request, site_column_query(site), param="cpage", per_page=PER_PAGE)
    return columns, column_rows(columns)


def column_rows(columns: Iterable[Column]) -> list[dict[str, Any]]:
    """Columns of site_column_query with their snapshot and its state (one query)."""
    columns = list(columns)
    snaps = (
        ColumnSnapshot.objects.filter(pk__in=[c.snap_id for c in columns if c.snap_id])
        .defer("items")
        .select_related("run")
        .defer(*(f"run__{name}" for name in RUN_BULK))
        .in_bulk()
    )
    rows = []
    for column in columns:
        snap = snaps.get(column.snap_id)
        rows.append({"column": column, "snap": snap, "state": column_state(column, snap)})
    return rows


@dataclass(frozen=True)
class AvailabilityDay:
    day: date
    count: int
    failed: int

    @property
    def ratio(self) -> str:
        return ratio_text(self.failed / self.count) if self.count else "—"

    @property
    def bar(self) -> int:
        """The failed share as a whole percentage, for the bar's width."""
        return round(100 * self.failed / self.count) if self.count else 0


def availability(site: Site, today: date) -> dict[str, Any]:
    """The last AVAILABILITY_DAYS days of probes: raw probes per day (Beijing days) where
    they are still kept, the rolled-up ProbeDay rows where they are not."""
    since = today - timedelta(days=AVAILABILITY_DAYS - 1)
    days: dict[date, tuple[int, int]] = {
        row.day: (row.count, row.failed)
        for row in ProbeDay.objects.filter(site=site, day__gte=since).only("day", "count", "failed")
    }
    raw = (
        Probe.objects.filter(site=site, at__gte=timezone.now() - timedelta(days=AVAILABILITY_DAYS))
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("pk"), failed=Count("pk", filter=Q(ok=False)))
        .order_by()
    )
    for row in raw:
        if row["day"] < since:
            continue
        count, failed = days.get(row["day"], (0, 0))
        days[row["day"]] = (count + row["n"], failed + row["failed"])
    rows = [AvailabilityDay(day, *days[day]) for day in sorted(days, reverse=True)]
    count = sum(r.count for r in rows)
    failed = sum(r.failed for r in rows)
    last = Probe.objects.filter(site=site).order_by("-at").first()
    return {
        "days": rows,
        "count": count,
        "failed": failed,
        "ratio": ratio_text(failed / count) if count else "—",
        "last": last,
    }


def post_counts(account: Account) -> dict[str, Any]:
    """Posts of the last 1/7/14/30 days, the total and the last post's time: one query."""
    now = timezone.now()
    windows = {
        f"d{days}": Count("pk", filter=Q(published_at__gte=now - timedelta(days=days)))
        for days in POST_WINDOWS
    }
    counts = Post.objects.filter(account=account).aggregate(
        total=Count("pk"), last=Max("published_at"), **windows
    )
    counts["windows"] = [(days, counts[f"d{days}"]) for days in POST_WINDOWS]
    return counts
