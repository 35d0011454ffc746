"""Crawling one site (and many, in parallel): the scanning engine's top-level API.

result = scan_site(SiteSpec(code, name, home_url, columns=...), ScanConfig(...), state)
"""

from govwatch.engine.crawl.models import (
    ColumnSpec,
    ScanConfig,
    ScanStats,
    SiteScanResult,
    SiteSpec,
    probe_failure_ratio,
)
from govwatch.engine.crawl.parallel import scan_sites
from govwatch.engine.crawl.scan import probe_availability, scan_site, scan_site_async
from govwatch.engine.crawl.state import MemoryStateStore, PageRecord, SqliteStateStore

__all__ = [
    "ColumnSpec",
    "MemoryStateStore",
    "PageRecord",
    "ScanConfig",
    "ScanStats",
    "SiteScanResult",
    "SiteSpec",
    "SqliteStateStore",
    "probe_availability",
    "probe_failure_ratio",
    "scan_site",
    "scan_site_async",
    "scan_sites",
]
