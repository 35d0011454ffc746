"""The one scan scheduler: sites spread over one worker process per core.

The crawler is CPU-bound (every Python crawler measured on the bench farm sits at 100 % of one core),
so a second core only helps as a second process. Sites, not pages, are the unit of work:
each process keeps its own frontier and connection pool. Every site is a separate task,
so the pool hands the next site to whichever process is free; the sites known to be
largest (biggest state file from the last scan) go first, so no big site starts last and
leaves one core idle at the end. Results are yielded as sites finish, so a caller can
store each one while the others still run.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

from govwatch.engine.crawl.models import LinkOutcome, ScanConfig, SiteScanResult, SiteSpec
from govwatch.engine.crawl.scan import failed_result, scan_site_async
from govwatch.engine.crawl.state import CorruptStateError, SqliteStateStore, set_aside

# Per worker process: external URLs already checked by an earlier site in this process.
_EXTERNAL_CACHE: dict[str, tuple[LinkOutcome, str, int | None]] = {}
_PR_SET_PDEATHSIG = 1
# Tries with a state file: the site's own, then (if that was corrupt) a fresh one.
STATE_ATTEMPTS = 2


def _worker_init(parent: int) -> None:
    """Pool initializer, in each forked worker.

    A parent killed with SIGKILL never shuts its pool down, and its workers would scan
    on (or hang) as orphans: on Linux the kernel kills them with the parent instead
    (checked again after the call, in case the parent died before it). The worker must
    not inherit the parent's checked URLs; and what it inherits is frozen out of the
    garbage collector, which would otherwise walk (and, writing their headers, un-share)
    those objects at every full collection."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
    _EXTERNAL_CACHE.clear()
    gc.freeze()


def state_path(state_dir: str | Path, site: SiteSpec) -> Path:
    """The site's one crawl-state file: kept across scans (records carry their scan id),
    so the next scan asks conditionally and a killed one resumes."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in site.code)
    return Path(state_dir) / f"{safe}.sqlite3"


def _size_hint(state_dir: str, site: SiteSpec) -> int:
    """How big the site was last time: its state file's size (0 when unknown)."""
    if not state_dir:
        return 0
    path = state_path(state_dir, site)
    try:
        return path.stat().st_size + sum(
            p.stat().st_size for p in path.parent.glob(path.name + "-wal")
        )
    except OSError:
        return 0


def largest_first(sites: Sequence[SiteSpec], state_dir: str) -> list[int]:
    """Indexes of `sites`, the largest known first (input order among equals/unknowns)."""
    return sorted(range(len(sites)), key=lambda i: -_size_hint(state_dir, sites[i]))


def process_count(processes: int | None, sites: int) -> int:
    """Worker processes for `sites` sites: `processes` (default one per core), never more
    than there are sites; 1 means the scan runs in the calling process."""
    return max(1, min(processes or os.cpu_count() or 1, sites or 1))


def _scan_one(
    site: SiteSpec,
    config: ScanConfig,
    state_dir: str,
    cache: dict[str, tuple[LinkOutcome, str, int | None]] | None = None,
) -> SiteScanResult:
    """One site, in a worker process or the caller's. Never raises: a scan that breaks
    (a bug, a state file that cannot be used even fresh) gives a failed result with the
    reason, so one site never costs the others of the run."""
    cache = _EXTERNAL_CACHE if cache is None else cache
    started = time.monotonic()
    try:
        return _scan_with_state(site, config, state_dir, cache)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        return failed_result(site, config, reason, time.monotonic() - started)


def _scan_with_state(
    site: SiteSpec,
    config: ScanConfig,
    state_dir: str,
    cache: dict[str, tuple[LinkOutcome, str, int | None]],
) -> SiteScanResult:
    """Scan with the site's state file; a corrupt one (found at the open or mid-scan) is
    set aside and the site scanned again from scratch with a fresh file, and the result
    says so (stats.state_reset). Should the fresh file fail too, the scan runs without."""
    if not state_dir:
        return asyncio.run(scan_site_async(site, config, None, cache))
    path = state_path(state_dir, site)
    resets: list[str] = []
    for _ in range(STATE_ATTEMPTS):
        result, reason = _attempt(site, config, path, cache)
        if result is not None:
            return _with_reset(result, resets)
        aside = set_aside(path)
        resets.append(f"corrupt crawl state ({reason}), set aside as {aside.name}")
    result = asyncio.run(scan_site_async(site, config, None, cache))
    return _with_reset(result, [*resets, "scanned without crawl state"])


def _attempt(
    site: SiteSpec,
    config: ScanConfig,
    path: Path,
    cache: dict[str, tuple[LinkOutcome, str, int | None]],
) -> tuple[SiteScanResult | None, str]:
    """(result, "") or, when the state file proved corrupt, (None, why)."""
    try:
        store = SqliteStateStore(path)
    except CorruptStateError as exc:
        return None, exc.reason
    result: SiteScanResult | None = None
    try:
        result = asyncio.run(scan_site_async(site, config, store, cache))
    except Exception:
        if not store.corrupt:
            raise
    finally:
        store.close()
    # Mid-scan corruption may also have been taken for one page's failure by the crawler.
    return (None, store.corrupt) if store.corrupt else (result, "")


def _with_reset(result: SiteScanResult, resets: list[str]) -> SiteScanResult:
    if not resets:
        return result
    reason = "; ".join(resets)[:1000]
    return replace(result, stats=replace(result.stats, state_reset=reason))


def scan_sites(
    sites: Sequence[SiteSpec],
    config: ScanConfig | None = None,
    *,
    processes: int | None = None,
    state_dir: str | Path | None = None,
    execute: Callable[..., SiteScanResult] | None = None,
) -> Iterator[tuple[int, SiteScanResult]]:
    """Scan sites in `processes` worker processes (default: one per core) and yield
    (index in `sites`, result) as each finishes. With `state_dir`, each site keeps its
    sqlite state file there (one per site, so processes never share a database). One
    process scans in the calling process, in input order. The workers are forked when
    the first result is asked for: close database connections before that.

    EXECUTE runs the one-process path elsewhere: the embedded watch passes its job pool's
    `run`, so the crawl runs in a worker process and only the result comes back.

    A site whose scan breaks yields a failed result (`failed_result`: home not fetched,
    the reason as its failure) instead of raising, in every mode, so the other sites'
    results are never lost; a corrupt state file is set aside and the site scanned afresh
    (`stats.state_reset` says why). What EXECUTE itself raises (its worker lost, its time
    limit) is left to the caller, which retries such jobs."""
    config = config or ScanConfig()
    folder = str(state_dir or "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    if process_count(processes, len(sites)) == 1:
        cache: dict[str, tuple[LinkOutcome, str, int | None]] = {}
        for index, site in enumerate(sites):
            if execute is not None:
                yield index, execute(_scan_one, site, config, folder)
            else:
                yield index, _scan_one(site, config, folder, cache)
        return
    # fork starts workers in milliseconds and inherits the imported modules.
    pool = ProcessPoolExecutor(
        max_workers=process_count(processes, len(sites)),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    futures = {
        pool.submit(_scan_one, sites[i], config, folder): i for i in largest_first(sites, folder)
    }
    try:
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as exc:
                # The worker died (killed, out of memory: the pool is then broken and every
                # site still pending ends here) or its result did not come back; the sites
                # already yielded are the caller's, and these are failed results, not lost.
                reason = f"worker process failed: {type(exc).__name__}: {exc}"
                result = failed_result(sites[index], config, reason)
            yield index, result
    finally:
        # A caller that stops early (an error while storing) must not wait for the other
        # sites: their state files let a re-run resume them.
        if not all(future.done() for future in futures):
            for process in list(pool._processes.values()):
                process.terminate()
        pool.shutdown(cancel_futures=True)
