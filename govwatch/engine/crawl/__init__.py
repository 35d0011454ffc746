"""Crawling one site (and many, in parallel): the scanning engine's top-level API.

result = scan_site(SiteSpec(code, name, home_url, columns=...), ScanConfig(...), state)
"""

from govwatch.engine.crawl.models import (
    BrokenLink,
    ColumnResult,
    ColumnSpec,
    HomeResult,
    LinkOutcome,
    PageFailure,
    Probe,
    ScanConfig,
    ScanStats,
    SiteScanResult,
    SiteSpec,
    probe_failure_ratio,
)
from govwatch.engine.crawl.parallel import scan_sites, scan_sites_parallel
from govwatch.engine.crawl.scan import (
    probe_availability,
    scan_site,
    scan_site_async,
    scan_sites_async,
)
from govwatch.engine.crawl.state import (
    CheckRecord,
    JsonlStateStore,
    MemoryStateStore,
    PageRecord,
    SqliteStateStore,
    StateStore,
)

__all__ = [
    "BrokenLink",
    "CheckRecord",
    "ColumnResult",
    "ColumnSpec",
    "HomeResult",
    "JsonlStateStore",
    "LinkOutcome",
    "MemoryStateStore",
    "PageFailure",
    "PageRecord",
    "Probe",
    "ScanConfig",
    "ScanStats",
    "SiteScanResult",
    "SiteSpec",
    "SqliteStateStore",
    "StateStore",
    "probe_availability",
    "probe_failure_ratio",
    "scan_site",
    "scan_site_async",
    "scan_sites",
    "scan_sites_async",
    "scan_sites_parallel",
]
