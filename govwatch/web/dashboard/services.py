"""dashboard_refresh: compute every unit's figures in a few grouped reads, write them in
one transaction (a page never sees half a refresh)."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from govwatch.web.dashboard.models import UnitActivity, UnitVerdicts
from govwatch.web.inspections.models import Inspection, InspectionResult
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Account, Site
from govwatch.web.scans.models import ColumnSnapshot, LinkProblem, Probe, ScanFinding, ScanRun

# The update-volume windows, in days back from the crawl's day (sites) or from the newest
# observation (posts).
WINDOWS = (1, 7, 14, 30)
PROBE_DAYS = 7  # availability over the official judging window
# How many recent inspections keep their per-unit verdict counts (the trend's periods).
TREND_INSPECTIONS = 8
STALE_CODES = ("UPD005",)  # a registered column not updated within its cadence
BLANK_CODES = ("UPD004",)
BROKEN = ("broken", "server_error", "timeout", "redirect_loop")


@dataclass(frozen=True)
class RefreshStats:
    units: int
    inspections: int
    seconds: float


def _latest_full_scans() -> QuerySet[Any]:
    """The id of each site's newest full crawl (freshness passes read no links)."""
    return (
        ScanRun.objects.filter(kind="full").values("site").annotate(last=Max("pk")).values("last")
    )


def _count_by(rows: QuerySet[Any], key: str, **counts: Any) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for row in rows.order_by().values(key).annotate(**counts):
        found[row[key]] = {name: row[name] or 0 for name in counts}
    return found


def _site_updates(latest: QuerySet[Any]) -> dict[int, list[int]]:
    """Items listed in the sites' newest crawls, by date window, per operating unit.

    Each crawl's windows end on its own scan day (a crawl knows nothing later); an item
    listed in two columns of a site is counted once (by its link)."""
    seen: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(WINDOWS))
    rows = ColumnSnapshot.objects.filter(run__in=latest).values_list(
        "run__site_id", "run__site__operating_unit_id", "run__scan_date", "items"
    )
    for site_id, unit_id, scan_date, items in rows.iterator(chunk_size=2000):
        last = scan_date.isoformat()
        starts = [(scan_date - dt.timedelta(days=days - 1)).isoformat() for days in WINDOWS]
        for item in items or ():
            if len(item) < 3 or not item[2]:
                continue
            day = str(item[2])[:10]
            if day < starts[-1] or day > last or item[1] in seen[site_id]:
                continue
            seen[site_id].add(item[1])
            for index, start in enumerate(starts):
                if day >= start:
                    counts[unit_id][index] += 1
    return counts


def observed_until(now: dt.datetime) -> dt.datetime:
    """The newest observation: a probe, the end of a crawl or a feed read (NOW if none)."""
    newest = [
        Probe.objects.aggregate(at=Max("at"))["at"],
        ScanRun.objects.aggregate(at=Max("finished_at"))["at"],
        FetchAttempt.objects.aggregate(at=Max("at"))["at"],
    ]
    seen = [moment for moment in newest if moment is not None and moment <= now]
    return max(seen) if seen else now


def _activity_rows(now: dt.datetime, computed: dt.datetime) -> list[UnitActivity]:
    latest = _latest_full_scans()
    sites = _count_by(Site.objects.all(), "operating_unit", n=Count("pk"))
    accounts = _count_by(Account.objects.all(), "opening_unit", n=Count("pk"))
    probes = _count_by(
        Probe.objects.filter(at__gte=now - dt.timedelta(days=PROBE_DAYS)),
        "site__operating_unit",
        n=Count("pk"),
        failed=Count("pk", filter=Q(ok=False)),
    )
    dead = _count_by(
        LinkProblem.objects.filter(run__in=latest, on_home=True, outcome__in=BROKEN),
        "run__site__operating_unit",
        n=Count("pk"),
    )
    columns = _count_by(
        ScanFinding.objects.filter(run__in=latest, code__in=STALE_CODES + BLANK_CODES),
        "run__site__operating_unit",
        stale=Count("pk", filter=Q(code__in=STALE_CODES)),
        blank=Count("pk", filter=Q(code__in=BLANK_CODES)),
    )
    window = {
        f"w{days}": Count("pk", filter=Q(published_at__gte=now - dt.timedelta(days=days)))
        for days in WINDOWS
    }
    posts = _count_by(
        Post.objects.filter(published_at__gte=now - dt.timedelta(days=max(WINDOWS))),
        "account__opening_unit",
        **window,
    )
    updates = _site_updates(latest)
    units = set(sites) | set(accounts)
    rows = []
    for unit_id in sorted(units):
        probe, column = probes.get(unit_id, {}), columns.get(unit_id, {})
        site_w = updates.get(unit_id, [0] * len(WINDOWS))
        post_w = posts.get(unit_id, {})
        rows.append(
            UnitActivity(
                unit_id=unit_id,
                computed_at=computed,
                as_of=now,
                sites=sites.get(unit_id, {}).get("n", 0),
                accounts=accounts.get(unit_id, {}).get("n", 0),
                probes=probe.get("n", 0),
                probes_failed=probe.get("failed", 0),
                home_dead_links=dead.get(unit_id, {}).get("n", 0),
                stale_columns=column.get("stale", 0),
                blank_columns=column.get("blank", 0),
                **{f"site_updates_{d}": site_w[i] for i, d in enumerate(WINDOWS)},
                **{f"account_updates_{d}": post_w.get(f"w{d}", 0) for d in WINDOWS},
            )
        )
    return rows


def _verdict_rows(inspections: list[int]) -> list[UnitVerdicts]:
    found: dict[tuple[int, int], UnitVerdicts] = {}
    for kind, unit in (("site", "site__operating_unit"), ("account", "account__opening_unit")):
        grouped = (
            InspectionResult.objects.filter(
                inspection__in=inspections, **{f"{kind}__isnull": False}
            )
            .order_by()
            .values_list("inspection", unit, "verdict")
            .annotate(n=Count("pk"))
        )
        for inspection_id, unit_id, verdict, n in grouped:
            row = found.setdefault(
                (inspection_id, unit_id),
                UnitVerdicts(inspection_id=inspection_id, unit_id=unit_id),
            )
            setattr(row, f"{kind}s_{verdict}", n)
    return list(found.values())


def dashboard_refresh(now: dt.datetime | None = None) -> RefreshStats:
    """Recompute every unit's figures and the verdict counts of the recent inspections;
    the windows end at the newest observation up to NOW (observed_until)."""
    started = time.perf_counter()
    computed = now or timezone.now()
    now = observed_until(computed)
    inspections = list(
        Inspection.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[
            :TREND_INSPECTIONS
        ]
    )
    activity = _activity_rows(now, computed)
    verdicts = _verdict_rows(inspections)
    with transaction.atomic():
        UnitActivity.objects.all().delete()
        UnitActivity.objects.bulk_create(activity, batch_size=500)
        UnitVerdicts.objects.all().delete()
        UnitVerdicts.objects.bulk_create(verdicts, batch_size=500)
    return RefreshStats(len(activity), len(inspections), time.perf_counter() - started)


def dashboard_verdicts_refresh(inspection_ids: list[int]) -> int:
    """Count the verdicts of these inspections only (a new inspection, before the next
    full refresh); returns the rows written."""
    rows = _verdict_rows(inspection_ids)
    with transaction.atomic():
        UnitVerdicts.objects.filter(inspection__in=inspection_ids).delete()
        UnitVerdicts.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def dashboard_ensure(inspection: Inspection | None) -> None:
    """What an overview needs before it reads: the first overview ever computes the
    figures itself, and an inspection newer than the last refresh gets its verdicts
    counted at once; the rest is read as the watch (every 10 minutes) or the 刷新 button
    stored it."""
    if not UnitActivity.objects.exists():
        dashboard_refresh()
    elif (
        inspection is not None
        and not UnitVerdicts.objects.filter(inspection=inspection).exists()
        and inspection.results.exists()
    ):
        dashboard_verdicts_refresh([inspection.pk])
