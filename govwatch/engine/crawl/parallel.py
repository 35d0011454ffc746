"""One process per core: sites are spread over worker processes.

The crawler is CPU-bound (perf_anchors.md: every Python crawler sits at 100 % of one core),
so a second core only helps as a second process. Sites, not pages, are the unit of work:
each process keeps its own frontier and connection pool. Every site is a separate task,
so the pool hands the next site to whichever process is free; the sites known to be
largest (biggest state file from the last scan) go first, so no big site starts last and
leaves one core idle at the end.
"""

from __future__ import annotations

import asyncio
import gc
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


def _worker_init() -> None:
    """Pool initializer, in each forked worker. It must not inherit the parent's checked
    URLs; and what it inherits is frozen out of the garbage collector, which would
    otherwise walk (and, writing their headers, un-share) those objects at every full
    collection."""
    _EXTERNAL_CACHE.clear()
    gc.freeze()


def _state_path(state_dir: str, site: SiteSpec) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in site.code)
    return Path(state_dir) / f"{safe}.sqlite3"


def _size_hint(state_dir: str, site: SiteSpec) -> int:
    """How big the site was last time: its state file's size (0 when unknown)."""
    if not state_dir:
        return 0
    path = _state_path(state_dir, site)
    try:
        return path.stat().st_size + sum(
            p.stat().st_size for p in path.parent.glob(path.name + "-wal")
        )
    except OSError:
        return 0


def largest_first(sites: Sequence[SiteSpec], state_dir: str) -> list[int]:
    """Indexes of `sites`, the largest known first (input order among equals/unknowns)."""
    return sorted(range(len(sites)), key=lambda i: -_size_hint(state_dir, sites[i]))


def _scan_one(
    site: SiteSpec,
    config: ScanConfig,
    state_dir: str,
    cache: dict[str, tuple[LinkOutcome, str, int | None]] | None = None,
) -> SiteScanResult:
    cache = _EXTERNAL_CACHE if cache is None else cache
    if not state_dir:
        return asyncio.run(scan_site_async(site, config, None, None, cache))
    store = SqliteStateStore(_state_path(state_dir, site))
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
    folder = str(state_dir or "")
    count = max(1, min(processes or os.cpu_count() or 1, len(sites) or 1))
    if count == 1:
        cache: dict[str, tuple[LinkOutcome, str, int | None]] = {}
        return [_scan_one(site, config, folder, cache) for site in sites]
    order = largest_first(sites, folder)
    # fork starts workers in milliseconds and inherits the imported modules.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_worker_init
    ) as pool:
        futures = {i: pool.submit(_scan_one, sites[i], config, folder) for i in order}
        return [futures[i].result() for i in range(len(sites))]
