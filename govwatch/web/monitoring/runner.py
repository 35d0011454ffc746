"""The embedded watch of `govwatch run`: the scheduler, two lanes of job threads and a
pool of worker processes, in one parent that is the only process writing the database.

Lanes: probe rounds and the light daily jobs have their own thread, so a week's crawls
filling every worker never delay a probe round; crawls take the other threads, one site
each. The engine work of a probe round or a crawl runs in a worker process; if that
process dies, the job runs again (a crawl resumes from its crawl state). On stop, the
running jobs get a grace period; whatever did not finish fires again at the next start.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.monitoring.pool import JobPool, WorkerLost
from govwatch.web.monitoring.jobs import Busy, Job, job_run
from govwatch.web.monitoring.models import Schedule
from govwatch.web.monitoring.scheduler import Scheduler
from govwatch.web.monitoring.services import schedule_finish

log = logging.getLogger(__name__)
LOST_RETRIES = 3
FAST_JOBS = frozenset(
    {
        "probe_round",
        "feeds",
        "warnings",
        "rollup",
        "inspection_draft",
        "alerts",
        "deadlines",
        "dashboard",
    }
)
# "__main__" makes the fork server run the command's main module once, so a job process
# does not import it again (~70 ms a job); the preload module builds the content checker.
PRELOAD = ("__main__", "govwatch.engine.monitoring.preload")


def _key(job: Job) -> tuple[str, str]:
    """What makes two queued jobs the same work: a site's crawl of a kind, a schedule's
    probe round or feed fetch, a daily job."""
    kwargs = job.kwargs
    target = kwargs.get("site_code") or kwargs.get("schedule_id") or ""
    return job.name, f"{target}:{kwargs.get('kind', '')}"


@dataclass
class _Firing:
    """One firing of a schedule: its outstanding jobs and what they said."""

    schedule_id: int
    left: int
    failed: int = 0
    last: str = ""


@dataclass
class _Pending:
    job: Job
    firing: _Firing
    attempt: int = 0


class Watch:
    def __init__(
        self,
        workers: int,
        *,
        fetch: FetchConfig | None = None,
        tick: float = 5.0,
        say: Callable[[str], None] = print,
    ) -> None:
        self.workers = max(1, workers)
        self.fetch = fetch
        self.say = say
        self.pool = JobPool(self.workers + 1, PRELOAD)  # + 1: the fast lane's process
        self.scheduler = Scheduler(self._dispatch, tick)
        self._stop = threading.Event()
        self._lanes = {"fast": queue.Queue[_Pending](), "crawl": queue.Queue[_Pending]()}
        self._delayed: list[tuple[float, int, _Pending]] = []
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._open: dict[int, _Firing] = {}
        self._waiting: set[tuple[str, str]] = set()  # queued, not started
        self.done = 0  # jobs finished, for tests and the status line

    # --- life cycle ---------------------------------------------------------------

    def start(self) -> None:
        """Start the fork server first: no thread exists yet that a child could inherit."""
        self.pool.warm()
        self.scheduler.start_up()
        close_old_connections()
        names = [("scheduler", self._schedule_loop), ("fast", lambda: self._lane("fast"))]
        names += [(f"crawl-{i + 1}", lambda: self._lane("crawl")) for i in range(self.workers)]
        for name, target in names:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, grace: float = 30.0) -> None:
        """Stop firing, let running jobs finish within GRACE seconds, then kill their
        processes; schedules with unfinished jobs fire again at the next start."""
        self._stop.set()
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.pool.stop()
        for thread in self._threads:
            thread.join(5)
        with self._lock:
            unfinished = [f.schedule_id for f in self._open.values() if f.left > 0]
        if unfinished:
            Schedule.objects.filter(pk__in=unfinished).update(
                next_run_at=timezone.now(),
                last_state="failed",
                last_message="停止时未完成，下次启动时续做",
            )
        connection.close()

    # --- dispatch -----------------------------------------------------------------

    def _dispatch(self, schedule: Schedule, jobs: list[Job]) -> None:
        """Queue a firing's jobs, except those already waiting from an earlier firing (a
        week's crawls not done when the next week fires must not pile up)."""
        with self._lock:
            fresh = [job for job in jobs if _key(job) not in self._waiting]
            self._waiting.update(_key(job) for job in fresh)
            firing = _Firing(schedule.pk, len(fresh))
            if fresh:
                self._open[schedule.pk] = firing
        skipped = len(jobs) - len(fresh)
        note = f"（{skipped} 项仍在排队，不重复加入）" if skipped else ""
        self.say(f"[计划] {schedule}：{len(fresh)} 项任务{note}")
        if not fresh:
            schedule_finish(schedule.pk, "ok", f"上次的 {skipped} 项任务仍在排队")
        for job in fresh:
            self._put(_Pending(job, firing))

    def _put(self, pending: _Pending) -> None:
        lane = "fast" if pending.job.name in FAST_JOBS else "crawl"
        self._lanes[lane].put(pending)

    def _schedule_loop(self) -> None:
        self.scheduler.run(self._stop, self._release_delayed)

    def _release_delayed(self) -> None:
        now = time.monotonic()
        with self._lock:
            while self._delayed and self._delayed[0][0] <= now:
                self._put(heapq.heappop(self._delayed)[2])

    # --- the lanes ------------------------------------------------------------------

    def _lane(self, lane: str) -> None:
        jobs = self._lanes[lane]
        while not self._stop.is_set():
            try:
                pending = jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            if self._stop.is_set():
                break
            with self._lock:
                self._waiting.discard(_key(pending.job))
            self._execute(pending)
            close_old_connections()
        connection.close()

    def _execute(self, pending: _Pending) -> None:
        job = pending.job
        try:
            message = job_run(job, execute=self._execute_limited, fetch=self.fetch)
        except Busy as exc:
            with self._lock:
                when = time.monotonic() + settings.GOVWATCH_BUSY_RETRY_SECONDS
                heapq.heappush(self._delayed, (when, next(self._order), pending))
            self.say(f"[稍后] {job.label()}：{exc}")
            return
        except WorkerLost as exc:
            if not self._stop.is_set() and pending.attempt + 1 < LOST_RETRIES:
                self.say(f"[重做] {job.label()}：{exc}")
                self._put(_Pending(job, pending.firing, pending.attempt + 1))
                return
            self._finish(pending.firing, False, f"{job.label()}：{exc}")
            return
        except Exception as exc:  # one bad job never stops the watch
            log.exception("job %s", job.label())
            self._finish(pending.firing, False, f"{job.label()}：{type(exc).__name__}: {exc}")
            return
        self._finish(pending.firing, True, message)

    def _execute_limited(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.pool.run(fn, *args, timeout=settings.GOVWATCH_JOB_TIME_LIMIT)

    def _finish(self, firing: _Firing, ok: bool, message: str) -> None:
        with self._lock:
            firing.left -= 1
            firing.failed += 0 if ok else 1
            firing.last = message
            self.done += 1
            closing = firing.left == 0
            if closing and self._open.get(firing.schedule_id) is firing:
                del self._open[firing.schedule_id]
        self.say(("[完成] " if ok else "[失败] ") + message)
        if closing:
            state = "failed" if firing.failed else "ok"
            summary = f"{firing.failed} 项失败；{firing.last}" if firing.failed else firing.last
            schedule_finish(firing.schedule_id, state, summary)
