"""What a fetch of a link or a home page came to: the closed link outcomes and a probe.

The crawler produces them, the stored rows keep their values, and the indicators read
the same types back: one set of words from the fetch layer to the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class LinkOutcome(StrEnum):
    """Closed set of link-check outcomes."""

    OK = "ok"
    BROKEN = "broken"  # 404/410, DNS failure, connection refused
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    BLOCKED = "blocked"  # 401/403/429 or a WAF challenge: 疑似拦截, not dead
    REDIRECT_LOOP = "redirect_loop"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Probe:
    """One availability probe of a home page (W-V2: open within 15 s or it failed)."""

    url: str
    at: datetime
    ok: bool
    status: int | None = None
    reason: str = ""
    elapsed: float = 0.0
    outcome: str = ""  # monitoring.probes.ProbeOutcome; empty for probes stored before it


@dataclass(frozen=True, slots=True)
class ProbeDay:
    """One site's probes of one day, rolled up once the raw probes leave the judging
    window: enough to judge availability over any later window of whole days."""

    day: date
    count: int
    failed: int
    by_outcome: tuple[tuple[str, int], ...] = ()  # failures per ProbeOutcome
    p50: float | None = None  # latency of the probes, seconds
    p95: float | None = None
