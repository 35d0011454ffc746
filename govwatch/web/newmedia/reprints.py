"""重要信息转载: the result of a reprint task for each site and account that must reprint.

Accounts are judged from their stored posts, sites from the items their columns listed in
the scans made since the item was published (title, URL, date as the list shows them),
both by the engine's title matching. An undated list item counts from the day of the
first scan that listed it. A site not scanned since the item was published is
「未核查」 (unchecked), never 「未转载」: not having looked is not a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.reprint import (
    STATUS_ZH,
    Candidate,
    KeyItem,
    ReprintTarget,
    check_reprints,
)
from govwatch.web.newmedia.models import Post, ReprintTask
from govwatch.web.scans.models import ColumnSnapshot, ScanRun

RowStatus = Literal["on_time", "late", "missing", "unchecked"]
ROW_STATUS_ZH: dict[str, str] = {
    **{str(k): v for k, v in STATUS_ZH.items()},
    "unchecked": "未核查（发布后尚未扫描该网站）",
}


@dataclass(frozen=True)
class ReprintRow:
    kind: Literal["site", "account"]
    target_id: int
    name: str
    unit: str
    status: RowStatus
    found_url: str = ""
    found_on: dt.date | None = None
    days_late: int = 0

    @property
    def status_zh(self) -> str:
        return ROW_STATUS_ZH[self.status]


def _site_candidates(site_ids: list[int], since: dt.date) -> tuple[list[Candidate], set[int]]:
    """List items of the sites' scans made on or after ``since``, and which sites had one."""
    runs = ScanRun.objects.filter(site_id__in=site_ids, scan_date__gte=since)
    # A scan whose columns listed nothing still counts as having looked.
    scanned = set(runs.values_list("site_id", flat=True))
    candidates: list[Candidate] = []
    rows = ColumnSnapshot.objects.filter(run__in=runs).values_list(
        "run__site_id", "run__scan_date", "items"
    )
    for site_id, scan_date, items in rows.order_by("run__scan_date").iterator(500):
        for title, url, day, *_ in items:  # a 4th element: where the date came from
            if not title:
                continue
            when = dt.date.fromisoformat(day) if day else scan_date
            moment = dt.datetime.combine(when, dt.time.min, tzinfo=BEIJING)
            candidates.append(Candidate("site", str(site_id), title, url, moment))
    return candidates, scanned


def reprint_results(task: ReprintTask) -> list[ReprintRow]:
    """One row per target of ``task``: accounts first (按时/逾期/未转载), then sites."""
    accounts = list(task.accounts.select_related("supervising_unit", "opening_unit"))
    sites = list(task.sites.select_related("supervising_unit", "operating_unit"))
    owners = {
        ("account", str(a.pk)): (a.name, (a.supervising_unit or a.opening_unit).name)
        for a in accounts
    }
    owners |= {
        ("site", str(s.pk)): (s.name, (s.supervising_unit or s.operating_unit).name) for s in sites
    }
    since = dt.datetime.combine(task.published_on, dt.time.min, tzinfo=BEIJING)
    candidates = [
        Candidate("account", str(account_id), title, url, published_at)
        for account_id, title, url, published_at in Post.objects.filter(
            account__in=accounts, published_at__gte=since
        ).values_list("account_id", "title", "url", "published_at")
    ]
    site_candidates, scanned = _site_candidates([s.pk for s in sites], task.published_on)
    candidates += site_candidates
    targets = [
        ReprintTarget("account", str(a.pk), owners["account", str(a.pk)][1]) for a in accounts
    ]
    targets += [
        ReprintTarget("site", str(s.pk), owners["site", str(s.pk)][1])
        for s in sites
        if s.pk in scanned
    ]
    item = KeyItem(
        item_id=str(task.pk),
        title=task.title,
        source_url=task.source_url,
        published_on=task.published_on,
        deadline=task.deadline,
        targets=tuple(targets),
    )
    rows = [
        ReprintRow(
            kind=r.target.kind,
            target_id=int(r.target.target_id),
            name=owners[r.target.kind, r.target.target_id][0],
            unit=r.target.unit,
            status=r.status,
            found_url=r.found_url,
            found_on=r.found_on,
            days_late=r.days_late,
        )
        for r in check_reprints([item], candidates)
    ]
    for site in sites:
        if site.pk not in scanned:
            name, unit = owners["site", str(site.pk)]
            rows.append(ReprintRow("site", site.pk, name, unit, "unchecked"))
    return rows
