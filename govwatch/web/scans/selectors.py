"""Read-only queries over stored scans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import islice
from urllib.parse import urlsplit

from govwatch.engine.checks.inputs import ConsultationObservation, SiteObservation
from govwatch.engine.clock import day_start
from govwatch.engine.crawl import ColumnSpec, SiteSpec
from govwatch.engine.fetch.outcomes import Probe as ProbeValue
from govwatch.engine.fetch.outcomes import ProbeDay as ProbeDayValue
from govwatch.engine.interaction.messages import CitizenMessage as MessageRecord
from govwatch.engine.interaction.observe import (
    CONSULTATION_BOXES,
    consultation_observations,
    message_observations,
)
from govwatch.engine.reports.tables import Table, website_columns_table
from govwatch.engine.site.observation import (
    StoredColumn,
    StoredLink,
    StoredScan,
    availability_window,
    site_observation,
)
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ColumnSnapshot, LinkProblem, Probe, ProbeDay, ScanRun

# Runs read per batch of queries: large enough that 20,000 sites take ~40 rounds, small
# enough that one batch's rows stay a few megabytes.
BATCH = 500
# Without a period, test consultations of the quarter before the scan count.
_DEFAULT_LOOKBACK = timedelta(days=90)


def column_publication_counts(site: Site, start: date, end: date) -> Table:
    """000 附件2 from the crawl: items each registered column listed with a date in
    [start, end], with its responsible units, from the site's latest scan up to END.

    A list shows only its newest pages, so counts are a lower bound when a column
    published more than the scan followed; the 备注 column says when pages were capped.
    """
    run = (
        ScanRun.objects.filter(site=site, scan_date__lte=end, kind="full")
        .order_by("-scan_date", "-finished_at")
        .first()
    )
    records = []
    if run is not None:
        snapshots = run.columns.filter(registered=True).select_related("column")
        for snap in snapshots.order_by("name"):
            units = snap.column.responsible_units.all() if snap.column else []
            days = [entry[2] for entry in snap.items]  # [title, url, date(, date source)]
            dated = [d for d in days if d and start.isoformat() <= d <= end.isoformat()]
            records.append(
                {
                    "column_name": snap.name,
                    "responsible_units": "、".join(u.name for u in units),
                    "items_submitted": len(dated),
                    "remarks": "栏目无法获取" if snap.error else "",
                }
            )
    return website_columns_table(records)


def site_hosts(site: Site) -> tuple[str, ...]:
    hosts = [urlsplit(site.home_url).hostname or ""]
    hosts += [h.strip().lower() for h in site.extra_hosts if h.strip()]
    return tuple(dict.fromkeys(h for h in hosts if h))


def site_spec(site: Site, *, with_columns: bool = True) -> SiteSpec:
    """The engine's description of a registered site (columns only when crawling)."""
    columns = (
        tuple(ColumnSpec(name=c.name, url=c.url, kind=c.kind) for c in site.columns.all() if c.url)
        if with_columns
        else ()
    )
    return SiteSpec(
        code=site.site_code,
        name=site.name,
        home_url=site.home_url,
        hosts=site_hosts(site),
        columns=columns,
        business_systems=tuple(site.business_systems),
    )


def site_observations(
    runs: Sequence[ScanRun], period_start: date | None = None
) -> Iterator[tuple[ScanRun, SiteObservation]]:
    """Each stored scan's observation, as the indicators read it, in the order of RUNS.

    The one way inspections and scans read what a scan stored. Queries go per batch of
    runs (columns, links, probes, messages, tests), never per run.
    """
    it = iter(runs)
    while batch := list(islice(it, BATCH)):
        yield from _batch_observations(batch, period_start)


def _batch_observations(
    runs: list[ScanRun], period_start: date | None
) -> Iterator[tuple[ScanRun, SiteObservation]]:
    from govwatch.web.calendars.services import work_calendar_load
    from govwatch.web.interaction.models import CitizenMessage, ConsultationTest

    run_ids = [run.pk for run in runs]
    # Each observation reads its run's site: load those not already attached in one query.
    site_field = ScanRun._meta.get_field("site")
    missing = {run.site_id for run in runs if not site_field.is_cached(run)}
    if missing:
        sites = Site.objects.in_bulk(missing)
        for run in runs:
            if not site_field.is_cached(run):
                run.site = sites[run.site_id]
    columns: dict[int, list[StoredColumn]] = defaultdict(list)
    fields = ("run_id", "name", "kind", "url", "newest_date", "item_count", "error")
    for run_id, *row in ColumnSnapshot.objects.filter(run_id__in=run_ids).values_list(*fields):
        columns[run_id].append(StoredColumn._make(row))
    links: dict[int, list[StoredLink]] = defaultdict(list)
    fields = ("run_id", "url", "outcome", "on_home", "page_url", "anchor_text")
    for run_id, *row in LinkProblem.objects.filter(run_id__in=run_ids).values_list(*fields):
        links[run_id].append(StoredLink._make(row))

    windows = {run.pk: availability_window(run.scan_date) for run in runs}
    probes: dict[int, list[ProbeValue]] = defaultdict(list)
    probe_rows = Probe.objects.filter(
        site_id__in={run.site_id for run in runs},
        at__range=(min(w[0] for w in windows.values()), max(w[1] for w in windows.values())),
    ).order_by("at")
    for site_id, at, ok, status, reason, elapsed in probe_rows.values_list(
        "site_id", "at", "ok", "status", "reason", "elapsed"
    ):
        probes[site_id].append(ProbeValue("", at, ok, status, reason, elapsed))
    # Days whose raw probes were rolled up count with their totals (SIT001 decides which
    # whole days fall in its window).
    probe_days: dict[int, list[ProbeDayValue]] = defaultdict(list)
    day_rows = ProbeDay.objects.filter(
        site_id__in={run.site_id for run in runs},
        day__range=(
            min(w[0] for w in windows.values()).date(),
            max(w[1] for w in windows.values()).date(),
        ),
    )
    for site_id, day, count, failed in day_rows.values_list("site_id", "day", "count", "failed"):
        probe_days[site_id].append(ProbeDayValue(day, count, failed))

    units = {run.site.operating_unit_id for run in runs}
    messages: dict[int, list[MessageRecord]] = defaultdict(list)
    boxes = [box.value for box in CONSULTATION_BOXES]
    for message in CitizenMessage.objects.filter(unit_id__in=units, box__in=boxes):
        messages[message.unit_id].append(message.to_engine(unit_name=""))

    starts = {run.pk: period_start or run.scan_date - _DEFAULT_LOOKBACK for run in runs}
    tests: dict[int, list[ConsultationTest]] = defaultdict(list)
    test_rows = ConsultationTest.objects.filter(
        site_id__in={run.site_id for run in runs},
        sent_at__gte=day_start(min(starts.values())),
        sent_at__lt=day_start(max(run.scan_date for run in runs) + timedelta(days=1)),
    )
    for test in test_rows:
        tests[test.site_id].append(test)
    calendar = work_calendar_load() if tests else None

    for run in runs:
        start, end = windows[run.pk]
        first, last = day_start(starts[run.pk]), day_start(run.scan_date + timedelta(days=1))
        chosen = [t.to_engine() for t in tests[run.site_id] if first <= t.sent_at < last]
        consultations: tuple[ConsultationObservation, ...] | None = None
        if chosen and calendar is not None:
            consultations = consultation_observations(chosen, calendar)
        scan = StoredScan(
            run.scan_date, run.home_fetched, run.home_newest_date, run.facts, run.text_hits
        )
        yield (
            run,
            site_observation(
                site_spec(run.site, with_columns=False),
                scan,
                columns=columns[run.pk],
                links=links[run.pk],
                probes=[p for p in probes[run.site_id] if start <= p.at <= end],
                probe_days=[
                    d for d in probe_days[run.site_id] if start.date() <= d.day <= end.date()
                ],
                messages=message_observations(messages[run.site.operating_unit_id]),
                consultations=consultations,
            ),
        )
