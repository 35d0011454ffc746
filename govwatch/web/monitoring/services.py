"""Schedules and leases: when each job runs next, and who holds a site while crawling;
and the entry points the command line starts the watch with.

Firing is a compare-and-set on `next_run_at`: the scheduler that moves it from the value
it read is the one that fires, so two schedulers, or one restarted twice in a minute,
never fire the same slot twice. The next slot is counted from now, not from the missed
one, so after downtime a missed job runs once, not once per missed slot.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.processes import pid_gone
from govwatch.engine.workdays import WorkCalendar
from govwatch.web.monitoring.models import Lease, Schedule

if TYPE_CHECKING:
    from govwatch.web.monitoring.runner import Watch
    from govwatch.web.monitoring.scheduler import Scheduler


@dataclass(frozen=True)
class Default:
    interval_minutes: int
    jitter_seconds: int


# The defaults an office starts with (editable in the admin): probes every 30 minutes
# (48 a day, above the 20 of W-V2), the freshness pass daily, a full crawl weekly, feeds
# hourly, warnings and the probe rollup daily, alerts sent every 5 minutes (retries
# included), the problem lists' deadline pass and the alert digest daily at 08:00, the
# overview's figures every 10 minutes. The
# inspection draft and the deadline pass ignore their interval.
DEFAULTS: dict[str, Default] = {
    "probe": Default(30, 120),
    "freshness": Default(24 * 60, 1800),
    "crawl": Default(7 * 24 * 60, 3600),
    "feeds": Default(60, 300),
    "warnings": Default(24 * 60, 0),
    "rollup": Default(24 * 60, 0),
    "inspection_draft": Default(24 * 60, 0),
    "alerts": Default(5, 0),
    "deadlines": Default(24 * 60, 0),
    "dashboard": Default(10, 0),
}
PROBE_PULL = dt.timedelta(seconds=60)
# Reminders, overdue notices and the daily digest reach people as the office day starts.
DEADLINES_AT = dt.time(8, 0)


def quarter_draft_time(now: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """07:00 Beijing on the first working day after the quarter NOW falls in."""
    local = now.astimezone(BEIJING).date()
    first_month = (local.month - 1) // 3 * 3 + 1
    year, month = (local.year + 1, 1) if first_month == 10 else (local.year, first_month + 3)
    day = dt.date(year, month, 1)
    try:
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
    except ValueError:
        pass  # a year the calendar does not cover yet: the first calendar day, said in docs
    return dt.datetime.combine(day, dt.time(7, 0), tzinfo=BEIJING)


def daily_time(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The first AT (Beijing) after NOW."""
    local = now.astimezone(BEIJING)
    moment = dt.datetime.combine(local.date(), at, tzinfo=BEIJING)
    return moment if moment > local else moment + dt.timedelta(days=1)


def schedule_next(schedule: Schedule, now: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """The next run after one fired at NOW: one interval on, moved by the jitter."""
    if schedule.kind == "inspection_draft":
        return quarter_draft_time(now, calendar)
    if schedule.kind == "deadlines":
        return daily_time(now, DEADLINES_AT)
    jitter = random.uniform(-schedule.jitter_seconds, schedule.jitter_seconds)
    interval = dt.timedelta(minutes=max(1, schedule.interval_minutes))
    return now + interval + dt.timedelta(seconds=jitter)


def schedules_ensure(calendar: WorkCalendar, now: dt.datetime | None = None) -> list[Schedule]:
    """Create the default schedules that are missing (due now, except the quarter's
    draft); never touches rows an office has edited. Returns every default row."""
    now = now or timezone.now()
    rows = []
    for kind, default in DEFAULTS.items():
        first = quarter_draft_time(now, calendar) if kind == "inspection_draft" else now
        try:
            with transaction.atomic():
                row, _ = Schedule.objects.get_or_create(
                    kind=kind,
                    site=None,
                    account=None,
                    defaults={
                        "interval_minutes": default.interval_minutes,
                        "jitter_seconds": default.jitter_seconds,
                        "next_run_at": first,
                    },
                )
        except IntegrityError:  # another scheduler created it at the same moment
            row = Schedule.objects.get(kind=kind, site=None, account=None)
        rows.append(row)
    return rows


def probe_round_pull(now: dt.datetime | None = None) -> bool:
    """On start, the probe rounds begin within a minute, unless a round started less than
    a minute ago (a scheduler restarted twice in a minute does not probe twice)."""
    now = now or timezone.now()
    recent = now - PROBE_PULL
    moved = (
        Schedule.objects.filter(kind="probe", site=None, account=None, enabled=True)
        .filter(next_run_at__gt=now)
        .exclude(last_started_at__gt=recent)
        .update(next_run_at=now)
    )
    return bool(moved)


def schedules_due(now: dt.datetime | None = None) -> list[Schedule]:
    now = now or timezone.now()
    due = Schedule.objects.filter(enabled=True, next_run_at__lte=now)
    return list(due.select_related("site", "account").order_by("next_run_at"))


def schedule_claim(
    schedule: Schedule, calendar: WorkCalendar, now: dt.datetime | None = None
) -> bool:
    """Fire SCHEDULE if nobody else did: moves next_run_at from the value read, once."""
    now = now or timezone.now()
    following = schedule_next(schedule, now, calendar)
    won = Schedule.objects.filter(pk=schedule.pk, next_run_at=schedule.next_run_at).update(
        next_run_at=following, last_started_at=now, last_state="running", last_message=""
    )
    if won:
        schedule.next_run_at, schedule.last_started_at = following, now
    return bool(won)


def schedule_finish(schedule_id: int, state: str, message: str = "") -> None:
    Schedule.objects.filter(pk=schedule_id).update(
        last_finished_at=timezone.now(), last_state=state, last_message=message[:500]
    )


# --- leases -------------------------------------------------------------------------

_HOST = socket.gethostname()


def lease_holder() -> str:
    """This process's name for a lease: host, process id, and a token per call."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_gone(holder: str) -> bool:
    """A holder on this host whose process no longer exists (a killed worker)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    return pid_gone(pid)


def lease_acquire(key: str, holder: str, seconds: int | None = None) -> bool:
    """Take KEY for HOLDER for SECONDS (default GOVWATCH_LEASE_SECONDS). A free, expired or
    dead holder's lease is taken; a live one's is not."""
    seconds = seconds or settings.GOVWATCH_LEASE_SECONDS
    now = timezone.now()
    until = now + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        current = Lease.objects.select_for_update().filter(key=key).first()
        if current is None:
            try:
                with transaction.atomic():
                    Lease.objects.create(key=key, holder=holder, expires_at=until)
                return True
            except IntegrityError:
                return False  # created by someone else just now
        if current.holder == holder or current.expires_at <= now or _holder_gone(current.holder):
            current.holder, current.expires_at = holder, until
            current.save(update_fields=["holder", "expires_at"])
            return True
        return False


def lease_renew(key: str, holder: str, seconds: int | None = None) -> bool:
    seconds = seconds or settings.GOVWATCH_LEASE_SECONDS
    until = timezone.now() + dt.timedelta(seconds=seconds)
    return bool(Lease.objects.filter(key=key, holder=holder).update(expires_at=until))


def lease_release(key: str, holder: str) -> None:
    Lease.objects.filter(key=key, holder=holder).delete()


# --- entry points for the command line ----------------------------------------------


def watch_create(
    workers: int,
    *,
    fetch: FetchConfig | None = None,
    tick: float = 5.0,
    say: Callable[[str], None] = print,
) -> Watch:
    """The embedded watch of `govwatch run` (start it before serving; stop it after)."""
    from govwatch.web.monitoring.runner import Watch

    return Watch(workers, fetch=fetch, tick=tick, say=say)


def celery_scheduler_create(tick: float = 5.0, say: Callable[[str], None] = print) -> Scheduler:
    """The scheduler of `govwatch scheduler`: fires the schedules, sends their jobs to Celery."""
    from govwatch.web.monitoring.jobs import Job
    from govwatch.web.monitoring.scheduler import Scheduler
    from govwatch.web.monitoring.tasks import jobs_send

    def dispatch(schedule: Schedule, jobs: list[Job]) -> None:
        # Marked before sending: a fast worker's own 完成 must not be overwritten.
        schedule_finish(schedule.pk, "sent", f"已派发 {len(jobs)} 项任务")
        jobs_send(jobs)
        say(f"[计划] {schedule}：已派发 {len(jobs)} 项任务")

    return Scheduler(dispatch, tick)


def probe_round_run(
    schedule: Schedule,
    slot: dt.datetime,
    *,
    fetch: FetchConfig | None = None,
    as_of: dt.date | None = None,
) -> str:
    """One probe round of SCHEDULE now, in this process (the demo runs them back to back)."""
    from govwatch.web.monitoring.jobs import job_probe_round

    return job_probe_round(
        schedule.pk, slot.isoformat(), fetch=fetch, as_of=as_of.isoformat() if as_of else None
    )
