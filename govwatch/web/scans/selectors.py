"""Read-only queries over stored scans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from govwatch.engine.checks.inputs import SiteObservation
from govwatch.engine.reports.tables import Table, website_columns_table
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun


def column_publication_counts(site: Site, start: date, end: date) -> Table:
    """000 附件2 from the crawl: items each registered column listed with a date in
    [start, end], with its responsible units, from the site's latest scan up to END.

    A list shows only its newest pages, so counts are a lower bound when a column
    published more than the scan followed; the 备注 column says when pages were capped.
    """
    run = (
        ScanRun.objects.filter(site=site, scan_date__lte=end)
        .order_by("-scan_date", "-finished_at")
        .first()
    )
    records = []
    if run is not None:
        snapshots = run.columns.filter(registered=True).select_related("column")
        for snap in snapshots.order_by("name"):
            units = snap.column.responsible_units.all() if snap.column else []
            dated = [d for _, _, d in snap.items if d and start.isoformat() <= d <= end.isoformat()]
            records.append(
                {
                    "column_name": snap.name,
                    "responsible_units": "、".join(u.name for u in units),
                    "items_submitted": len(dated),
                    "remarks": "栏目无法获取" if snap.error else "",
                }
            )
    return website_columns_table(records)


def site_observations(
    runs: Sequence[ScanRun], period_start: date | None = None
) -> Iterator[tuple[ScanRun, SiteObservation]]:
    """Each stored scan's observation, as the indicators read it, in the order of RUNS.

    The one way inspections and scans read what a scan stored; batching the queries for
    many runs is this function's business, not its callers'.
    """
    from govwatch.web.scans.observe import site_observation

    for run in runs:
        yield run, site_observation(run, period_start)
