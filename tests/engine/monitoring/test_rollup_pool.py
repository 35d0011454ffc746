"""Daily rollups of probes, and the job pool's worker processes."""

from __future__ import annotations

import os
import threading
import time
from datetime import date, datetime

import pytest

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.outcomes import Probe
from govwatch.engine.monitoring.pool import JobFailed, JobPool, JobTimedOut, WorkerLost
from govwatch.engine.monitoring.rollup import day_rollup, merge, percentile

DAY = date(2024, 6, 30)


def _probe(ok: bool, elapsed: float, outcome: str = "") -> Probe:
    return Probe("", datetime(2024, 6, 30, 8, tzinfo=BEIJING), ok, None, "", elapsed, outcome)


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [([], 0.5, None), ([1.0], 0.95, 1.0), ([1, 2, 3, 4], 0.5, 2), ([*range(1, 101)], 0.95, 95)],
)
def test_percentile_nearest_rank(values: list[float], share: float, expected: float | None) -> None:
    assert percentile(values, share) == expected


def test_day_rollup_counts_failures_by_outcome_and_slow_answers() -> None:
    probes = [_probe(True, 0.1, "ok")] * 40 + [_probe(False, 0.0, "server_error")] * 2
    probes += [_probe(False, 15.0, "timeout")] * 5 + [_probe(True, 15.0, "ok")]  # 15 s fails
    day = day_rollup(DAY, probes)
    assert (day.count, day.failed) == (48, 8)
    assert dict(day.by_outcome) == {"server_error": 2, "timeout": 5, "ok": 1}
    assert day.p50 == 0.1 and day.p95 == 15.0


def test_merge_adds_counts_exactly() -> None:
    a = day_rollup(DAY, [_probe(True, 1.0, "ok")] * 10)
    b = day_rollup(DAY, [_probe(False, 3.0, "dns")] * 10)
    merged = merge(a, b)
    assert (merged.count, merged.failed, dict(merged.by_outcome)) == (20, 10, {"dns": 10})
    assert merged.p50 == 2.0


def _boom() -> None:
    raise ValueError("坏任务")


def test_pool_returns_results_and_reports_errors_and_killed_workers() -> None:
    pool = JobPool(2)
    pool.warm()
    assert pool.run(pow, 2, 10) == 1024
    with pytest.raises(JobFailed, match="坏任务"):
        pool.run(_boom)

    def kill_soon() -> None:
        deadline = time.monotonic() + 30
        while not pool.pids() and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in pool.pids():
            os.kill(pid, 9)

    threading.Thread(target=kill_soon, daemon=True).start()
    with pytest.raises(WorkerLost, match="-9"):
        pool.run(time.sleep, 60)
    assert pool.run(pow, 3, 3) == 27  # the pool goes on after a lost worker


def test_a_job_past_its_time_limit_is_stopped() -> None:
    """A site that drips bytes forever holds one worker until the limit, then is let go."""
    pool = JobPool(1)
    with pytest.raises(JobTimedOut):
        pool.run(time.sleep, 60, timeout=0.5)
    assert not pool.pids()
