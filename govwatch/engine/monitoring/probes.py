"""Availability probes at scale: one probe round is one asynchronous pass over many home
pages through the one fetch layer (its global limit, per-host politeness and address
policy), each probe bounded by the 15 s of W-V2 and classified into a closed set.

A round never waits on one site longer than the timeout: a hanging server costs one
slot for 15 s, and the other probes go on around it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.client import Fetcher
from govwatch.engine.fetch.outcomes import Probe
from govwatch.engine.fetch.types import FetchConfig, FetchError, FetchResult
from govwatch.engine.fetch.waf import is_waf_challenge


class ProbeOutcome(StrEnum):
    """What one probe came to; everything but OK is a failure (W-V2)."""

    OK = "ok"
    TIMEOUT = "timeout"
    DNS = "dns"
    REFUSED = "refused"
    TLS = "tls"
    SERVER_ERROR = "server_error"  # 5xx, or the connection dropped mid-answer
    BLOCKED = "blocked"  # 401/403/429 or a WAF challenge: the page did not open for us
    ERROR = "error"  # 404 and other 4xx, redirect loops, malformed answers, refused address
    # (a fetch that failed on our side, FetchError.LOCAL, is no probe at all)


_ERRORS = {
    FetchError.DNS: ProbeOutcome.DNS,
    FetchError.REFUSED: ProbeOutcome.REFUSED,
    FetchError.TLS: ProbeOutcome.TLS,
    FetchError.TIMEOUT: ProbeOutcome.TIMEOUT,
    FetchError.RESET: ProbeOutcome.SERVER_ERROR,
}


def probe_outcome(result: FetchResult, timeout: float) -> tuple[ProbeOutcome, str]:
    """(outcome, reason) of one probe's fetch. A page that answered but took TIMEOUT
    seconds or more did not open in time (超过15秒仍打不开)."""
    status = result.status
    if result.error is not None:
        if result.error in {FetchError.TOO_LARGE, FetchError.DECOMPRESSION_LIMIT} and (
            status is not None and status < 400
        ):
            outcome = ProbeOutcome.OK  # it answered; we only stopped reading a huge page
        else:
            return _ERRORS.get(result.error, ProbeOutcome.ERROR), result.error.value
    elif status is None:
        return ProbeOutcome.ERROR, "no status"
    elif status >= 500:
        return ProbeOutcome.SERVER_ERROR, f"http {status}"
    elif status in {401, 403, 429} or is_waf_challenge(status, result.body):
        return ProbeOutcome.BLOCKED, f"http {status}"
    elif status >= 400:
        return ProbeOutcome.ERROR, f"http {status}"
    else:
        outcome = ProbeOutcome.OK
    if result.elapsed >= timeout:
        return ProbeOutcome.TIMEOUT, f"{result.elapsed:.1f} s"
    return outcome, f"http {status}"


@dataclass(frozen=True, slots=True)
class RoundStats:
    probes: int
    failed: int
    elapsed: float
    not_probed: int = 0  # this machine ran out of sockets or memory: no probe recorded


def round_config(fetch: FetchConfig, timeout: float, concurrency: int) -> FetchConfig:
    """The fetch settings of a probe round: no retries (a retry would hide the failure the
    probe is there to count), one request per host at a time, the whole fetch within
    TIMEOUT, a small body cap (the page opened once it answers), and no kept-alive
    connections (one host, one probe: idle sockets would pile up to one per host and run
    the process out of open files)."""
    return replace(
        fetch,
        global_concurrency=concurrency,
        per_host_concurrency=1,
        keep_alive=False,
        total_timeout=timeout,
        read_timeout=timeout,
        connect_timeout=min(timeout, fetch.connect_timeout),
        retries=0,
        max_body_bytes=min(fetch.max_body_bytes, 2 * 1024 * 1024),
    )


async def probe_once(
    fetcher: Fetcher, url: str, timeout: float, as_of: date | None = None
) -> Probe | None:
    """One probe of URL, dated now, or on AS_OF at the present time of day (a scan "as of"
    an earlier day records its probes inside that day's window). None when the fetch failed
    on our side (FetchError.LOCAL): that says nothing about the site."""
    at = datetime.now(BEIJING)
    if as_of is not None:
        at = datetime.combine(as_of, at.timetz())
    result = await fetcher.fetch(url)
    if result.error is FetchError.LOCAL:
        return None
    outcome, reason = probe_outcome(result, timeout)
    return Probe(
        url,
        at,
        outcome is ProbeOutcome.OK,
        result.status,
        reason,
        round(result.elapsed, 4),
        str(outcome),
    )


async def probe_round(
    targets: Sequence[tuple[int, str]],
    fetch: FetchConfig,
    *,
    timeout: float = 15.0,
    concurrency: int = 500,
    as_of: date | None = None,
) -> tuple[list[tuple[int, Probe]], RoundStats]:
    """Probe each (key, url) of TARGETS once; returns [(key, Probe)] in finishing order.

    AS_OF dates the probes on that day at the present time of day (a re-run or the demo's
    quarter), like the scan's own probes."""
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    # Name resolution runs in threads; the default pool (a handful) would make thousands
    # of slow DNS answers the bottleneck of the round.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=min(64, concurrency)))
    found: list[tuple[int, Probe]] = []
    local: list[int] = []
    async with Fetcher(round_config(fetch, timeout, concurrency)) as fetcher:

        async def one(key: int, url: str) -> None:
            probe = await probe_once(fetcher, url, timeout, as_of)
            if probe is None:
                local.append(key)  # our failure, not the site's: no probe is recorded
            else:
                found.append((key, probe))

        # The fetcher's semaphore bounds the requests in flight; a bounded set of tasks
        # keeps a round of 100,000 targets from holding 100,000 coroutines at once.
        pending: set[asyncio.Task[None]] = set()
        for key, url in targets:
            if len(pending) >= concurrency * 2:
                _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            pending.add(asyncio.create_task(one(key, url)))
        if pending:
            await asyncio.wait(pending)
    failed = sum(1 for _, p in found if not p.ok)
    return found, RoundStats(len(found), failed, time.monotonic() - started, len(local))


def probe_round_sync(
    targets: Sequence[tuple[int, str]],
    fetch: FetchConfig,
    timeout: float = 15.0,
    concurrency: int = 500,
    as_of: date | None = None,
) -> tuple[list[tuple[int, Probe]], RoundStats]:
    """probe_round in its own event loop: the form a worker process or task runs
    (positional, so a job pool can pass the arguments through)."""
    return asyncio.run(
        probe_round(targets, fetch, timeout=timeout, concurrency=concurrency, as_of=as_of)
    )
