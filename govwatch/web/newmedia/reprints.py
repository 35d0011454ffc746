"""重要信息转载: the result of a reprint task for each site and account that must reprint.

Accounts are judged from their stored posts by the engine's title matching. Sites would
be judged from crawled page titles, which the scans app does not store yet: a site is
therefore 「未核查」 (unchecked), never 「未转载」 — not having looked is not a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from govwatch.engine.newmedia.dates import SHANGHAI
from govwatch.engine.newmedia.reprint import (
    STATUS_ZH,
    Candidate,
    KeyItem,
    ReprintTarget,
    check_reprints,
)
from govwatch.web.newmedia.models import Post, ReprintTask

RowStatus = Literal["on_time", "late", "missing", "unchecked"]
ROW_STATUS_ZH: dict[str, str] = {
    **{str(k): v for k, v in STATUS_ZH.items()},
    "unchecked": "未核查（暂无网站页面标题）",
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


def reprint_results(task: ReprintTask) -> list[ReprintRow]:
    """One row per target of ``task``: accounts first (按时/逾期/未转载), then sites."""
    accounts = list(task.accounts.select_related("supervising_unit", "opening_unit"))
    units = {a.pk: (a.supervising_unit or a.opening_unit).name for a in accounts}
    item = KeyItem(
        item_id=str(task.pk),
        title=task.title,
        source_url=task.source_url,
        published_on=task.published_on,
        deadline=task.deadline,
        targets=tuple(ReprintTarget("account", str(a.pk), units[a.pk]) for a in accounts),
    )
    since = dt.datetime.combine(task.published_on, dt.time.min, tzinfo=SHANGHAI)
    candidates = [
        Candidate("account", str(account_id), title, url, published_at)
        for account_id, title, url, published_at in Post.objects.filter(
            account__in=accounts, published_at__gte=since
        ).values_list("account_id", "title", "url", "published_at")
    ]
    names = {str(a.pk): a.name for a in accounts}
    rows = [
        ReprintRow(
            kind="account",
            target_id=int(r.target.target_id),
            name=names[r.target.target_id],
            unit=r.target.unit,
            status=r.status,
            found_url=r.found_url,
            found_on=r.found_on,
            days_late=r.days_late,
        )
        for r in check_reprints([item], candidates)
    ]
    for site in task.sites.select_related("supervising_unit", "operating_unit"):
        unit = site.supervising_unit or site.operating_unit
        rows.append(ReprintRow("site", site.pk, site.name, unit.name, "unchecked"))
    return rows
