"""A site's observation, as the indicators read it, from a stored scan.

The observation is rebuilt from what a scan stored (its serialised form), never from the
in-memory scan result, so that `govwatch scan` and a later `govwatch inspect` judge
exactly the same data. The web layer only loads the rows; the rules of reading them
(which column kind a discovered column has, which probes fall in the window, what an
unfetched home page means) live here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from govwatch.engine.checks.inputs import (
    ColumnKind,
    ColumnObservation,
    ConsultationObservation,
    LinkObservation,
    MessageObservation,
    SiteObservation,
)
from govwatch.engine.clock import day_end
from govwatch.engine.crawl.models import SiteSpec
from govwatch.engine.fetch.outcomes import LinkOutcome, Probe, ProbeDay
from govwatch.engine.site.facts import site_facts_from_stored
from govwatch.engine.text.findings import TextHit

# W-V2 judges availability over the week before the monitoring point.
AVAILABILITY_WINDOW = timedelta(days=7)

# Columns discovered in the navigation have no registered kind; their names say it.
_KIND_PATTERNS: tuple[tuple[str, ColumnKind], ...] = (
    ("互动|留言|信箱|咨询|投诉|建议|访谈|征集", "interaction"),
    ("办事|服务|办件|下载", "service"),
    ("人事|任免|规划|计划|招聘|招考", "personnel_planning"),
    ("通知|公告|公示|政策|文件|法规|解读|规章", "notice_policy"),
    ("要闻|动态|新闻|工作|信息|资讯|快讯", "news"),
)
_KIND_BY_NAME = tuple((re.compile(pattern), kind) for pattern, kind in _KIND_PATTERNS)
_COLUMN_KINDS: dict[str, ColumnKind] = {
    kind: kind
    for kind in ("news", "notice_policy", "personnel_planning", "interaction", "service", "other")
}


def column_kind(registered_kind: str, name: str) -> ColumnKind:
    """The registered kind, else the kind the column's name says, else "other"."""
    if registered_kind in _COLUMN_KINDS:
        return _COLUMN_KINDS[registered_kind]
    for pattern, kind in _KIND_BY_NAME:
        if pattern.search(name):
            return kind
    return "other"


class StoredScan(NamedTuple):
    """The fields of one stored scan run that the indicators read."""

    scan_date: date
    home_fetched: bool
    home_newest_date: date | None
    facts: Mapping[str, object]  # dataclasses.asdict(SiteFacts)
    text_hits: Sequence[Mapping[str, object]]  # TextHit.stored()


class StoredColumn(NamedTuple):
    name: str
    registered_kind: str
    url: str
    newest_date: date | None
    item_count: int
    error: str


class StoredLink(NamedTuple):
    url: str
    outcome: str
    on_home: bool
    page_url: str
    anchor_text: str


def availability_window(scan_date: date) -> tuple[datetime, datetime]:
    """The probes a scan of SCAN_DATE is judged on: the week up to its monitoring point."""
    point = day_end(scan_date)
    return point - AVAILABILITY_WINDOW, point


def site_observation(
    site: SiteSpec,
    scan: StoredScan,
    *,
    columns: Iterable[StoredColumn],
    links: Iterable[StoredLink],
    probes: Iterable[Probe],
    probe_days: Iterable[ProbeDay] = (),
    messages: tuple[MessageObservation, ...] | None = None,
    consultations: tuple[ConsultationObservation, ...] | None = None,
) -> SiteObservation:
    """Everything the indicators read about SITE, from one stored scan and its window."""
    stored = scan.facts.get("business_systems")
    business = [*site.business_systems, *(stored if isinstance(stored, list | tuple) else ())]
    return SiteObservation(
        site_id=site.code,
        home_url=site.home_url,
        hosts=site.hosts,
        business_system_urls=tuple(dict.fromkeys(business)),
        probes=tuple(probes),
        probe_days=tuple(probe_days),
        home_fetch_ok=scan.home_fetched,
        home_newest_date=scan.home_newest_date,
        columns=tuple(
            ColumnObservation(
                name=c.name,
                kind=column_kind(c.registered_kind, c.name),
                newest_date=c.newest_date,
                item_count=c.item_count,
                fetch_ok=not c.error,
                url=c.url,
            )
            for c in columns
        ),
        links=tuple(
            LinkObservation(
                url=link.url,
                outcome=LinkOutcome(link.outcome),
                on_home_page=link.on_home,
                page_url=link.page_url,
                anchor=link.anchor_text,
            )
            for link in links
        ),
        # An unfetched home page determined nothing: unknown, not missing.
        facts=site_facts_from_stored(scan.facts) if scan.home_fetched else None,
        text_hits=tuple(TextHit.from_stored(h) for h in scan.text_hits),
        messages=messages,
        consultations=consultations,
    )
