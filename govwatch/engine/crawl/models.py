"""Typed inputs and outputs of a site scan (frozen dataclasses throughout)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Re-exported: the crawler's modules name them from here.
from govwatch.engine.fetch.outcomes import LinkOutcome as LinkOutcome
from govwatch.engine.fetch.outcomes import Probe as Probe
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.parse.types import ListItem
from govwatch.engine.site.facts import SiteFacts
from govwatch.engine.text.findings import TextHit


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    name: str
    url: str
    kind: str = ""  # e.g. news / notice / policy, for the indicator windows downstream


@dataclass(frozen=True, slots=True)
class SiteSpec:
    code: str
    name: str
    home_url: str
    hosts: tuple[str, ...] = ()  # registered hosts; the home URL's host is always in scope
    columns: tuple[ColumnSpec, ...] = ()
    business_systems: tuple[str, ...] = ()  # registered business-system URLs


@dataclass(frozen=True, slots=True)
class ScanConfig:
    fetch: FetchConfig = field(default_factory=FetchConfig)
    scan_date: date | None = None  # None: today; fixes "now" for dates and windows
    scan_id: str = ""  # same id = resume; a new id = re-scan (default: site code + date)
    # "full", or "freshness" (the daily pass over the home page and column lists), which
    # gets its own default id so it never replaces the same day's full crawl.
    kind: str = "full"
    max_pages: int = 5000
    max_depth: int = 8
    max_query_variants: int = 20  # distinct query strings per path (endless-query traps)
    max_path_segments: int = 12
    max_list_pages: int = 10  # pagination pages followed per column
    # Undated items per list page whose article is fetched (beyond the depth and page
    # limits) for its publish date, so a list that shows no dates is still judged.
    article_dates: int = 5
    workers: int = 64
    check_links: bool = True
    # Run the content checks on every page's visible text and on the text of the site's
    # own pdf/docx/xlsx attachments (read up to attachment_max_bytes each).
    check_text: bool = False
    attachment_max_bytes: int = 20 * 1024 * 1024
    check_external: bool = True
    discover_columns: bool = True
    home_window_days: int = 14
    probe_count: int = 1
    probe_timeout: float = 15.0
    max_referrers: int = 20  # pages kept per broken link


@dataclass(frozen=True, slots=True)
class BrokenLink:
    url: str
    outcome: LinkOutcome
    reason: str  # fetch error or "http <status>"
    status: int | None
    page_url: str
    anchor_text: str
    on_home: bool
    external: bool
    kind: str  # "a", "img", "frame" or "attachment"


@dataclass(frozen=True, slots=True)
class ColumnResult:
    name: str
    url: str
    registered: bool
    items: tuple[ListItem, ...]
    item_count: int
    undated_count: int
    newest_date: date | None
    list_pages: int
    blank: bool
    error: str = ""  # the list could not be fetched: unknown, never "not updated"


@dataclass(frozen=True, slots=True)
class HomeResult:
    url: str
    fetched: bool
    error: str
    newest_date: date | None
    new_items: tuple[ListItem, ...]  # dated within the window before the scan date


@dataclass(frozen=True, slots=True)
class PageFailure:
    url: str
    reason: str
    status: int | None


@dataclass(frozen=True, slots=True)
class ScanStats:
    pages_fetched: int = 0  # answered 200 with a body
    pages_parsed: int = 0
    pages_not_modified: int = 0  # 304 to a conditional request
    pages_unchanged: int = 0  # 200 but same content hash: not parsed
    pages_resumed: int = 0  # finished by an earlier run of the same scan: not fetched
    requests: int = 0
    links_checked: int = 0
    external_checked: int = 0
    attachments_text_checked: int = 0  # pdf/docx/xlsx whose text was checked (check_text)
    trap_skipped: int = 0
    elapsed: float = 0.0
    # Why the site's crawl state was set aside and the site scanned afresh ("" normally).
    state_reset: str = ""


@dataclass(frozen=True, slots=True)
class SiteScanResult:
    site_code: str
    home_url: str
    scan_id: str
    scan_date: date
    stats: ScanStats
    home: HomeResult
    columns: tuple[ColumnResult, ...]
    probes: tuple[Probe, ...]
    broken_links: tuple[BrokenLink, ...]
    link_counts: tuple[tuple[str, int], ...]
    failures: tuple[PageFailure, ...]
    trap_samples: tuple[str, ...]
    facts: SiteFacts
    text_hits: tuple[TextHit, ...] = ()


def probe_failure_ratio(probes: tuple[Probe, ...] | list[Probe]) -> float:
    """Share of failed availability probes (W-V2 counts a site down at 5 %)."""
    return sum(1 for p in probes if not p.ok) / len(probes) if probes else 0.0
