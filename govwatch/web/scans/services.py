"""Scan services: run the engine's crawler on registered sites and store what it found.

Scans run one process per core (the crawler is CPU-bound); each finished site is stored
in its own transaction, so a crash loses at most the sites still running, and their
crawl state files let a re-run resume them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from govwatch.engine.clock import beijing, day_start
from govwatch.engine.crawl import SiteScanResult, scan_sites
from govwatch.engine.crawl.parallel import process_count
from govwatch.engine.fetch.outcomes import Probe as ProbeValue
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.monitoring.rollup import day_rollup, merge
from govwatch.engine.parse.types import ListItem
from govwatch.engine.periods import quarter_label
from govwatch.engine.profiles import Profile, run_checks
from govwatch.engine.workdays import WorkCalendar
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.config.engine import check_context, profile_load, scan_config
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)
from govwatch.web.scans.selectors import site_observations, site_spec

Progress = Callable[[int, int, Site, ScanRun], None]
_DAY = timedelta(days=1)
# The daily freshness pass: the home page, the column lists it links to and their pages.
FRESHNESS: dict[str, object] = {
    "check_links": False,
    "check_text": False,
    "check_external": False,
    "max_depth": 1,
    "max_list_pages": 1,  # a list's first page carries its newest items
    "probe_count": 0,
}
# A freshness pass is superseded by the next day's: kept a week, for the warnings' history.
FRESHNESS_KEEP = timedelta(days=7)


def _stored_item(item: ListItem) -> list[str | None]:
    """[title, url, ISO date or null], and a 4th element naming where the date came from
    when the list did not show it ("article", "article_meta"); readers of the 3-element
    form take entry[:3]."""
    stored = [
        item.title[:300],
        item.url[:1000],
        item.published.isoformat() if item.published else None,
    ]
    if item.date_source:
        stored.append(item.date_source)
    return stored


def scan_findings_compute(
    run: ScanRun, profile: Profile, calendar: WorkCalendar | None = None
) -> list[ScanFinding]:
    """Judge a stored scan with a profile; replaces the run's findings. A caller storing
    many sites passes the CALENDAR once (otherwise it is loaded here)."""
    [(_, observation)] = site_observations([run])
    findings = run_checks(profile, observation, check_context(run.scan_date, calendar=calendar))
    rows = [ScanFinding(run=run, **ScanFinding.fields_of(f)) for f in findings]
    run.findings.all().delete()
    return ScanFinding.objects.bulk_create(rows)


@transaction.atomic
def scan_store(
    site: Site,
    result: SiteScanResult,
    profile: Profile,
    calendar: WorkCalendar | None = None,
    kind: str = "full",
) -> ScanRun:
    """Store one site's scan idempotently: the same scan stored twice gives the same rows."""
    now = timezone.now()
    facts = dataclasses.asdict(result.facts)
    run, _ = ScanRun.objects.update_or_create(
        site=site,
        scan_id=result.scan_id,
        defaults={
            "scan_date": result.scan_date,
            "kind": kind,
            "profile": profile.name,
            "started_at": now - timezone.timedelta(seconds=result.stats.elapsed),
            "finished_at": now,
            "home_fetched": result.home.fetched,
            "home_error": result.home.error[:300],
            "home_newest_date": result.home.newest_date,
            "stats": dataclasses.asdict(result.stats),
            "facts": facts,
            "failures": [dataclasses.asdict(f) for f in result.failures[:500]],
            "text_hits": [h.stored() for h in result.text_hits[:2000]],
        },
    )
    run.columns.all().delete()
    run.link_problems.all().delete()
    registered = {c.url: c for c in site.columns.all() if c.url}
    ColumnSnapshot.objects.bulk_create(
        ColumnSnapshot(
            run=run,
            column=registered.get(c.url),
            name=c.name[:200],
            url=c.url[:1000],
            kind=registered[c.url].kind if c.url in registered else "",
            registered=c.registered,
            item_count=c.item_count,
            undated_count=c.undated_count,
            newest_date=c.newest_date,
            list_pages=c.list_pages,
            blank=c.blank,
            error=c.error[:300],
            items=[_stored_item(i) for i in c.items],
        )
        for c in result.columns
    )
    LinkProblem.objects.bulk_create(
        LinkProblem(
            run=run,
            url=b.url[:2000],
            outcome=str(b.outcome),
            reason=b.reason[:300],
            status=b.status,
            page_url=b.page_url[:2000],
            anchor_text=b.anchor_text[:500],
            on_home=b.on_home,
            external=b.external,
            kind=b.kind,
        )
        for b in result.broken_links
    )
    # A probe stored by an earlier run of the same scan stays (unique per site and time).
    probes_store((site.pk, p) for p in result.probes)
    scan_findings_compute(run, profile, calendar)
    return run


def sites_scan(
    sites: Iterable[Site],
    *,
    scan_date: date | None = None,
    profile_name: str | None = None,
    processes: int | None = None,
    progress: Progress | None = None,
    fetch: FetchConfig | None = None,
    kind: str = "full",
    execute: Callable[..., SiteScanResult] | None = None,
    **config_overrides: object,
) -> list[ScanRun]:
    """Scan SITES (one process per core by default) and store each as it finishes.

    FETCH replaces the fetch settings built from the environment (the demo passes the
    farm's host map this way). KIND "freshness" is the daily pass: the home page and the
    column lists only, no link or content checks. EXECUTE runs a one-process scan in
    another process (the embedded watch's job pool); storing stays here.
    """
    profile = profile_load(profile_name)
    scan_date = scan_date or timezone.localdate()
    if kind == "freshness":
        for key, value in FRESHNESS.items():
            config_overrides.setdefault(key, value)
    config = scan_config(scan_date, fetch, kind=kind, **config_overrides)
    state_dir = Path(settings.GOVWATCH_CRAWL_STATE_DIR)
    todo = list(sites)
    specs = [site_spec(site) for site in todo]
    calendar = work_calendar_load()  # once per scan, not once per stored site
    if process_count(processes, len(todo)) > 1:
        # Forked workers must not share the parent's database connections.
        connections.close_all()
    runs: list[ScanRun] = []
    results = scan_sites(specs, config, processes=processes, state_dir=state_dir, execute=execute)
    for index, result in results:
        runs.append(scan_store(todo[index], result, profile, calendar, kind))
        if progress:
            progress(len(runs), len(todo), todo[index], runs[-1])
    return runs


def sites_dispatch(
    sites: Iterable[Site],
    *,
    scan_date: date | None = None,
    profile_name: str | None = None,
    progress: Progress | None = None,
    timeout: float = 6 * 3600,
) -> list[ScanRun]:
    """Distributed mode: one Celery task per site, taken by `govwatch worker` processes on
    any machine (each runs the same `sites_scan`); waits for every stored run."""
    from govwatch.web.scans.tasks import scan_site_task

    profile_load(profile_name)  # a bad profile fails here, not in every worker
    day = (scan_date or timezone.localdate()).isoformat()
    todo = list(sites)
    pending = [(site, scan_site_task.delay(site.site_code, day, profile_name)) for site in todo]
    runs: list[ScanRun] = []
    for site, result in pending:
        runs.append(ScanRun.objects.get(pk=result.get(timeout=timeout)))
        if progress:
            progress(len(runs), len(todo), site, runs[-1])
    return runs


def probes_store(probes: Iterable[tuple[int, ProbeValue]], slot: datetime | None = None) -> int:
    """Store (site id, probe) pairs; SLOT, the probe round's scheduled time, makes a round
    delivered twice store each site once. Returns the probes offered (a repeated one is
    skipped by the database, not counted again)."""
    rows = [
        Probe(
            site_id=site_id,
            at=p.at,
            ok=p.ok,
            status=p.status,
            reason=p.reason[:300],
            elapsed=p.elapsed,
            outcome=p.outcome,
            slot=slot,
        )
        for site_id, p in probes
    ]
    Probe.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def probes_rollup(before: date, timeout: float = 15.0) -> tuple[int, int]:
    """Roll up every raw probe dated before BEFORE (Beijing days) into one ProbeDay per
    site and day, deleting the raw rows in the same transaction, one site-day batch at a
    time. Returns (days written or merged, raw probes removed)."""
    cutoff = day_start(before)
    days = removed = 0
    while True:
        with transaction.atomic():
            first = (
                Probe.objects.filter(at__lt=cutoff).order_by("at").values_list("at", flat=True)[:1]
            )
            if not first:
                return days, removed
            day = beijing(first[0]).date()
            chunk = Probe.objects.filter(at__gte=day_start(day), at__lt=day_start(day) + _DAY)
            by_site: dict[int, list[ProbeValue]] = {}
            for site_id, *fields in chunk.values_list(
                "site_id", "at", "ok", "status", "reason", "elapsed", "outcome"
            ):
                at, ok, status, reason, elapsed, outcome = fields
                by_site.setdefault(site_id, []).append(
                    ProbeValue("", at, ok, status, reason, elapsed, outcome)
                )
            existing = {
                row.site_id: row for row in ProbeDay.objects.filter(day=day, site_id__in=by_site)
            }
            fresh: list[ProbeDay] = []
            for site_id, probes in by_site.items():
                value = day_rollup(day, probes, timeout)
                row = existing.get(site_id)
                if row is not None:
                    value = merge(row.to_value(), value)
                    row.fill(value)
                    row.save()
                else:
                    row = ProbeDay(site_id=site_id, day=day, count=0, failed=0)
                    row.fill(value)
                    fresh.append(row)
            ProbeDay.objects.bulk_create(fresh, batch_size=2000)
            removed += chunk._raw_delete(chunk.db)
            days += len(by_site)


def scans_prune(before: date) -> int:
    """Delete the scans dated before BEFORE that nothing needs any more, with their
    columns, link problems and findings: a daily freshness pass and the weekly crawls add
    ~60 runs a site a year, and a run's column lists are the bulk of the database. Kept:
    each site's latest full crawl of every quarter (what an inspection of that quarter
    judges, and the lists a publication count reads) and every run an inspection result
    cites. Freshness passes go after a week. Returns the runs deleted."""
    stale_passes = ScanRun.objects.filter(
        kind="freshness", scan_date__lt=max(before, timezone.localdate() - FRESHNESS_KEEP)
    )
    old = ScanRun.objects.filter(scan_date__lt=before) | stale_passes
    keep: set[int] = set(
        old.filter(inspectionresult__isnull=False).values_list("pk", flat=True).distinct()
    )
    seen: set[tuple[int, str]] = set()
    full = old.filter(kind="full").order_by("site_id", "-scan_date", "-finished_at")
    for pk, site_id, scan_date in full.values_list("pk", "site_id", "scan_date").iterator():
        quarter = (site_id, quarter_label(scan_date))
        if quarter not in seen:
            seen.add(quarter)
            keep.add(pk)
    doomed = [pk for pk in old.values_list("pk", flat=True).iterator() if pk not in keep]
    for first in range(0, len(doomed), 500):
        with transaction.atomic():
            ScanRun.objects.filter(pk__in=doomed[first : first + 500]).delete()
    return len(doomed)
