"""Daily rollups of availability probes: raw probes are kept for the judging window, then
each site's day becomes one row (count, failures by outcome, p50/p95 latency), so a year
of probes every 30 minutes stays 365 rows per site instead of 17,520."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from govwatch.engine.fetch.outcomes import Probe, ProbeDay


def probe_failed(probe: Probe, timeout: float = 15.0) -> bool:
    """W-V2: a probe failed when the page did not open, or took TIMEOUT seconds or more."""
    return not probe.ok or probe.elapsed >= timeout


def percentile(sorted_values: list[float], share: float) -> float | None:
    """Nearest-rank percentile of SORTED_VALUES (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * share // 1))  # ceil(n × share), at least 1
    return sorted_values[int(rank) - 1]


def day_rollup(day: date, probes: Iterable[Probe], timeout: float = 15.0) -> ProbeDay:
    """The rollup of one site's probes of DAY."""
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    count = 0
    for probe in probes:
        count += 1
        latencies.append(probe.elapsed)
        if probe_failed(probe, timeout):
            failures[probe.outcome or ("ok" if probe.ok else "error")] += 1
    latencies.sort()
    return ProbeDay(
        day=day,
        count=count,
        failed=sum(failures.values()),
        by_outcome=tuple(sorted(failures.items())),
        p50=percentile(latencies, 0.5),
        p95=percentile(latencies, 0.95),
    )


def merge(old: ProbeDay, new: ProbeDay) -> ProbeDay:
    """Two rollups of the same day (probes that arrived late): counts add up exactly; the
    latency percentiles are the count-weighted mean of the two, an approximation."""
    count = old.count + new.count
    failures = Counter(dict(old.by_outcome)) + Counter(dict(new.by_outcome))

    def weighted(a: float | None, b: float | None) -> float | None:
        if a is None or b is None:
            return a if b is None else b
        return (a * old.count + b * new.count) / count

    return ProbeDay(
        day=old.day,
        count=count,
        failed=old.failed + new.failed,
        by_outcome=tuple(sorted(failures.items())),
        p50=weighted(old.p50, new.p50),
        p95=weighted(old.p95, new.p95),
    )
