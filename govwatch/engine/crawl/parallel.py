"""One process per core: sites are sharded across worker processes.

The crawler is CPU-bound (perf_anchors.md: every Python crawler sits at 100 % of one core),
so a second core only helps as a second process. Sites, not pages, are the unit of work:
each process keeps its own frontier and connection pool, and a pool hands the next site
to whichever process is free, which keeps both busy when site sizes differ.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from govwatch.engine.crawl.models import LinkOutcome, ScanConfig, SiteScanResult, SiteSpec
from govwatch.engine.crawl.scan import scan_site_async
from govwatch.engine.crawl.state import SqliteStateStore

# Per worker process: external URLs already checked by an earlier site in this process.
_EXTERNAL_CACHE: dict[str, tuple[LinkOutcome, str, int | None]] = {}


def _reset_cache() -> None:
    """Pool initializer: a forked worker must not inherit the parent's checked URLs."""
    _EXTERNAL_CACHE.clear()


def _scan_one(
    site: SiteSpec,
    config: ScanConfig,
    state_dir: str,
    cache: dict[str, tuple[LinkOutcome, str, int | None]] | None = None,
) -> SiteScanResult:
    cache = _EXTERNAL_CACHE if cache is None else cache
    if not state_dir:
        return asyncio.run(scan_site_async(site, config, None, None, cache))
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in site.code)
    store = SqliteStateStore(Path(state_dir) / f"{safe}.sqlite3")
    try:
        return asyncio.run(scan_site_async(site, config, store, None, cache))
    finally:
        store.close()


def scan_sites_parallel(
    sites: Sequence[SiteSpec],
    config: ScanConfig | None = None,
    *,
    processes: int | None = None,
    state_dir: str | Path | None = None,
) -> list[SiteScanResult]:
    """Scan sites in `processes` worker processes (default: one per core); results come
    back in the order of `sites`. With `state_dir`, each site keeps a sqlite state file
    there (one file per site, so processes never share a database)."""
    config = config or ScanConfig()
    count = max(1, min(processes or os.cpu_count() or 1, len(sites) or 1))
    if count == 1:
        cache: dict[str, tuple[LinkOutcome, str, int | None]] = {}
        return [_scan_one(site, config, str(state_dir or ""), cache) for site in sites]
    # fork starts workers in milliseconds and inherits the imported modules.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_reset_cache
    ) as pool:
        futures = [pool.submit(_scan_one, site, config, str(state_dir or "")) for site in sites]
        return [future.result() for future in futures]
