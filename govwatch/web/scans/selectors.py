"""Read-only queries over stored scans."""

from __future__ import annotations

from datetime import date

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
