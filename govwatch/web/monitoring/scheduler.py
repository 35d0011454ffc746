"""The scheduler: every few seconds, fire the schedules that are due and hand their jobs
to a dispatcher (the embedded run's queue, or Celery). The same loop serves both modes;
any number of schedulers may run, since firing is a compare-and-set in the database."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone

from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.monitoring.jobs import Job, schedule_jobs
from govwatch.web.monitoring.models import Schedule
from govwatch.web.monitoring.services import (
    probe_round_pull,
    schedule_claim,
    schedule_finish,
    schedules_due,
    schedules_ensure,
)

log = logging.getLogger(__name__)
Dispatch = Callable[[Schedule, list[Job]], None]


class Scheduler:
    def __init__(self, dispatch: Dispatch, tick: float = 5.0) -> None:
        self.dispatch = dispatch
        self.tick_seconds = tick
        self.calendar = work_calendar_load()

    def start_up(self) -> None:
        """Default schedules exist, and the probe rounds begin within a minute."""
        schedules_ensure(self.calendar)
        probe_round_pull()

    def tick(self, now: dt.datetime | None = None) -> int:
        """Fire every due schedule this scheduler wins; returns how many it fired."""
        now = now or timezone.now()
        fired = 0
        for schedule in schedules_due(now):
            if not schedule_claim(schedule, self.calendar, now):
                continue  # another scheduler fired it
            fired += 1
            try:
                jobs = schedule_jobs(schedule, now)
            except Exception as exc:  # a broken schedule must not stop the others
                log.exception("schedule %s", schedule.pk)
                schedule_finish(schedule.pk, "failed", f"{type(exc).__name__}: {exc}")
                continue
            if not jobs:
                schedule_finish(schedule.pk, "ok", "没有需要运行的对象")
                continue
            self.dispatch(schedule, jobs)
        return fired

    def run(self, stop: threading.Event, after_tick: Callable[[], None] | None = None) -> None:
        """Tick until STOP is set; AFTER_TICK runs after each tick (the embedded run
        releases its delayed jobs there)."""
        while not stop.is_set():
            try:
                self.tick()
                if after_tick is not None:
                    after_tick()
            except Exception:  # the database away for a moment: try again next tick
                log.exception("scheduler tick")
            finally:
                close_old_connections()
            stop.wait(self.tick_seconds)
        connection.close()
