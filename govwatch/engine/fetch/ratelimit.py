"""Per-host politeness: at most N requests in flight to one host, and a minimum gap between
request starts. The global limit lives in the client; this keeps one slow or fragile
government server from being hammered while hundreds of other hosts proceed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class _HostSlot:
    __slots__ = ("last_start", "lock", "sem")

    def __init__(self, concurrency: int) -> None:
        self.sem = asyncio.Semaphore(concurrency)
        self.lock = asyncio.Lock()
        self.last_start = 0.0


class HostLimiter:
    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = max(1, concurrency)
        self._delay = max(0.0, delay)
        self._slots: dict[str, _HostSlot] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _HostSlot(self._concurrency)
        async with slot.sem:
            if self._delay:
                # The lock serialises the spacing so that N waiters do not all wake at once.
                async with slot.lock:
                    wait = slot.last_start + self._delay - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    slot.last_start = time.monotonic()
            yield
