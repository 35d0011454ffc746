"""Alert services: record who is told what (alert_emit), send what is due with retries and
quiet hours (alerts_deliver), and gather the digest deliveries of a day (alerts_digest).

alert_emit only writes AlertDelivery rows and hands the new ones to a background sender;
it never waits for a mail server or a robot, and a delivery problem never reaches the
workflow that emitted the event. Whatever the background sender does not manage (a
refused connection, a process that exits, quiet hours) the watch's 5-minute job sends:
retried after 1, 5 and 30 minutes and 2 hours, given up after the fifth failure, each
attempt recorded on the delivery. A delivery is claimed with a compare-and-set before it
is sent, so the web process's sender and any number of watch jobs send it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from govwatch.engine.clock import BEIJING, day_start
from govwatch.engine.workdays import china_date
from govwatch.web.alerts import texts
from govwatch.web.alerts.models import (
    EVENT_ZH,
    QUIET_CHANNELS,
    ROBOTS,
    AlertDelivery,
    AlertRule,
    split_addresses,
)
from govwatch.web.alerts.transports import Message, Outcome, transport_for
from govwatch.web.registry.models import Unit
from govwatch.web.users.models import Membership

log = logging.getLogger("govwatch.alerts")

# The waits after the 1st, 2nd, 3rd and 4th failed attempt; the 5th failure gives up.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claimed delivery is due again after this if its sender died mid-send (longer than any
# transport's timeout, so a live sender always finishes first).
CLAIM = dt.timedelta(minutes=2)
BATCH = 500

# Without any rule for an event and unit: e-mail to the unit's own operators, and for an
# escalation to the supervising leaders (supervisors and readers of the regions above it).
DEFAULT_OPERATOR_EVENTS = frozenset(
    {"problem_list_sent", "deadline_near", "overdue", "appeal_decided", "recheck_failed"}
)
DEFAULT_LEADER_EVENTS = frozenset({"overdue_escalated"})
LEADER_ROLES = ("supervisor", "reader")


@dataclass(frozen=True)
class Target:
    """One address an event goes to, and why (the rule, or None for the defaults)."""

    channel: str
    address: str
    rule: AlertRule | None = None
    user_id: int | None = None


# --- who ------------------------------------------------------------------------------


def unit_chain(unit: Unit) -> list[int]:
    """UNIT's id and its ancestors' ids, nearest first."""
    chain = [unit.pk]
    parent = unit.parent_id
    while parent is not None and parent not in chain:  # a cycle ends the walk
        chain.append(parent)
        parent = Unit.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    return chain


def _members(role: str, unit: Unit, chain: list[int]) -> list[Membership]:
    """The active members with ROLE (any role when empty) concerned with UNIT: its own
    operators, supervisors and readers of it or a region above it, administrators. The
    scope rule of users/selectors.py: nobody is told about a unit they cannot see."""
    concerned = {
        "unit_operator": Q(role="unit_operator", unit_id=unit.pk),
        "supervisor": Q(role="supervisor", unit_id__in=chain),
        "reader": Q(role="reader", unit_id__in=chain),
        "admin": Q(role="admin"),
    }
    if role:
        where = concerned.get(role, Q(pk__in=[]))
    else:
        where = Q(pk__in=[])
        for q in concerned.values():
            where |= q
    rows = Membership.objects.filter(where, user__is_active=True).select_related("user")
    return list(rows.order_by("pk"))


def _superusers_without_membership() -> list[Any]:
    users = get_user_model().objects.filter(
        is_superuser=True, is_active=True, membership__isnull=True
    )
    return list(users.order_by("pk"))


def _rule_targets(rule: AlertRule, unit: Unit, chain: list[int]) -> Iterable[Target]:
    fixed = rule.target.strip()
    if rule.channel in ROBOTS:
        if fixed:
            yield Target(rule.channel, fixed, rule)
        return
    if fixed:
        for address in split_addresses(fixed):
            yield Target(rule.channel, address, rule)
        return
    for member in _members(rule.role, unit, chain):
        address = member.user.email if rule.channel == "email" else member.phone
        if address.strip():
            yield Target(rule.channel, address.strip(), rule, member.user_id)
    if rule.channel == "email" and rule.role in ("", "admin"):
        for user in _superusers_without_membership():
            if user.email.strip():
                yield Target("email", user.email.strip(), rule, user.pk)


def _default_targets(event: str, unit: Unit, chain: list[int]) -> Iterable[Target]:
    if event in DEFAULT_OPERATOR_EVENTS:
        members = Membership.objects.filter(role="unit_operator", unit_id=unit.pk)
    elif event in DEFAULT_LEADER_EVENTS:
        # The supervising leader: a region ABOVE the unit, never the unit itself.
        members = Membership.objects.filter(role__in=LEADER_ROLES, unit_id__in=chain[1:])
    else:
        return
    members = members.filter(user__is_active=True).exclude(user__email="")
    for member in members.select_related("user").order_by("pk"):
        yield Target("email", member.user.email.strip(), None, member.user_id)


def alert_targets(event: str, unit: Unit) -> list[Target]:
    """Everyone EVENT on UNIT goes to: by the active rules for the event (or for all
    events) on the unit or a unit above it; by the defaults when no rule applies. One
    target per channel and address, the first rule's."""
    chain = unit_chain(unit)
    rules = AlertRule.objects.filter(active=True, event__in=(event, "all")).filter(
        Q(unit__isnull=True) | Q(unit_id__in=chain)
    )
    found: list[Target] = []
    ruled = list(rules.order_by("pk"))
    candidates: Iterable[Target]
    if ruled:
        candidates = (t for rule in ruled for t in _rule_targets(rule, unit, chain))
    else:
        candidates = _default_targets(event, unit, chain)
    seen: set[tuple[str, str]] = set()
    for target in candidates:
        key = (target.channel, target.address.lower())
        if key not in seen:
            seen.add(key)
            found.append(target)
    return found


# --- quiet hours ----------------------------------------------------------------------


def quiet_until(
    moment: dt.datetime, start: dt.time | None, end: dt.time | None
) -> dt.datetime | None:
    """The end of the quiet hours MOMENT falls in (Beijing time), or None outside them.
    START == END means no quiet hours; START after END spans midnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return None
    local = moment.astimezone(BEIJING)
    now = local.time()
    today_end = dt.datetime.combine(local.date(), end, tzinfo=BEIJING)
    if start < end:
        return today_end if start <= now < end else None
    if now >= start:
        return today_end + dt.timedelta(days=1)
    if now < end:
        return today_end
    return None


def _after_quiet(moment: dt.datetime, delivery: AlertDelivery) -> dt.datetime:
    return quiet_until(moment, delivery.quiet_start, delivery.quiet_end) or moment


# --- emitting -------------------------------------------------------------------------


def _compose(event: str, context: dict[str, Any], today: dt.date) -> Message:
    from govwatch.web.calendars.services import work_calendar_load

    calendar: Any = None

    def working_days(start: dt.date, end: dt.date) -> int:
        nonlocal calendar
        calendar = calendar or work_calendar_load()
        return int(calendar.working_days_between(start, end))

    return texts.COMPOSERS[event](texts.Context(today, working_days), **context)


def _record(event: str, context: dict[str, Any]) -> list[AlertDelivery]:
    context = dict(context)
    # One savepoint for the reads and the writes: a failure here, logged by alert_emit,
    # leaves a caller's transaction usable.
    with transaction.atomic():
        unit: Unit = context["unit"]
        targets = alert_targets(event, unit)
        if not targets:
            return []
        now = timezone.now()
        today = context.pop("today", None) or china_date(now)
        message = _compose(event, context, today)
        rows = []
        for target in targets:
            rule = target.rule
            quiet = rule if target.channel in QUIET_CHANNELS else None
            row = AlertDelivery(
                event=event,
                channel=target.channel,
                recipient=target.address[:1000],
                user_id=target.user_id,
                unit=unit,
                rule=rule,
                subject=message.subject[:300],
                body=message.body,
                link=message.link[:500],
                digest=bool(rule and rule.digest),
                quiet_start=quiet.quiet_start if quiet else None,
                quiet_end=quiet.quiet_end if quiet else None,
                created_at=now,
            )
            row.next_attempt_at = _after_quiet(now, row)
            row.save()
            rows.append(row)
        return rows


def alert_emit(event: str, **context: Any) -> list[AlertDelivery]:
    """Record EVENT's deliveries (one per recipient and channel) and hand the ones due now
    to the background sender. Context: unit= always; problem_list= (and count= or
    days_left=) for list events; item= (and accepted=) for item events; warning= for
    early_warning; today= optionally, the day the texts count working days from (default
    today in Beijing). Never raises for a delivery problem, nor for a failed recording (it
    is logged, and the caller's transaction is untouched: the writes are in a savepoint).
    """
    if event not in EVENT_ZH:
        raise ValueError(f"未知的提醒事件：{event}")
    try:
        rows = _record(event, context)
    except Exception:
        log.exception("提醒登记失败：%s", event)
        return []
    now = timezone.now()
    due = [row.pk for row in rows if not row.digest and row.next_attempt_at <= now]
    if due:
        _send_soon(due)
    return rows


def _send_soon(ids: list[int]) -> None:
    """Send the new deliveries away from the caller: inline only when the settings say so
    (tests), else on this process's sender thread; with GOVWATCH_ALERT_SEND_AT_ONCE off
    they wait for the watch's job."""
    if settings.GOVWATCH_ALERT_INLINE:
        try:
            alerts_deliver(only=ids)
        except Exception:
            log.exception("提醒发送失败（将由计划任务重试）")
        return
    if settings.GOVWATCH_ALERT_SEND_AT_ONCE:
        _sender.kick(ids)


class _Sender:
    """One daemon thread per process sending newly recorded deliveries; it ends after a
    minute with nothing to do and starts again at the next kick."""

    IDLE_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._ids: set[int] = set()
        self._thread: threading.Thread | None = None

    def kick(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._ids.update(ids)
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="govwatch-alerts", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                self._wake.wait(self.IDLE_SECONDS)
                with self._lock:
                    ids, self._ids = sorted(self._ids), set()
                    self._wake.clear()
                    if not ids:
                        self._thread = None
                        return
                try:
                    # In batches: a day's early warnings can record thousands at once.
                    for first in range(0, len(ids), BATCH):
                        alerts_deliver(only=ids[first : first + BATCH])
                except Exception:  # the watch's job sends them later
                    log.exception("提醒发送失败（将由计划任务重试）")
                finally:
                    # No connection held while idle (SQLite writers, PostgreSQL slots).
                    connection.close()
        finally:
            connection.close()


_sender = _Sender()
# A forked child (a prefork worker) has no sender thread, whatever the parent had.
os.register_at_fork(after_in_child=_sender.__init__)


# --- sending --------------------------------------------------------------------------


def absolute_link(link: str) -> str:
    base = settings.GOVWATCH_ALERT_BASE_URL.rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def _attempt(delivery: AlertDelivery, now: dt.datetime) -> str:
    """One attempt at DELIVERY: deferred in quiet hours, else claimed, sent, recorded."""
    fields = {"pk": delivery.pk, "state": delivery.state}
    fields["next_attempt_at"] = delivery.next_attempt_at
    quiet = quiet_until(now, delivery.quiet_start, delivery.quiet_end)
    if quiet is not None:
        AlertDelivery.objects.filter(**fields).update(next_attempt_at=quiet)
        return "deferred"
    if not AlertDelivery.objects.filter(**fields).update(next_attempt_at=now + CLAIM):
        return "skipped"  # another sender has it
    message = Message(delivery.subject, delivery.body, absolute_link(delivery.link))
    secret = delivery.rule.secret if delivery.rule is not None else ""
    try:
        outcome = transport_for(delivery.channel).send(delivery.recipient, message, secret=secret)
    except Exception as exc:  # a transport bug is a failed attempt, never a crash
        log.exception("提醒发送异常：%s", delivery.pk)
        outcome = Outcome(False, f"{type(exc).__name__}: {exc}")
    attempts = delivery.attempts + 1
    if outcome.ok:
        state, when, error = "sent", now, ""
    elif attempts >= MAX_ATTEMPTS:
        state, when, error = "gave_up", now, outcome.detail
    else:
        state, when, error = "failed", now + BACKOFF[attempts - 1], outcome.detail
        when = _after_quiet(when, delivery)
    AlertDelivery.objects.filter(pk=delivery.pk).update(
        state=state,
        attempts=attempts,
        next_attempt_at=when,
        last_error=error[:500],
        sent_at=now if outcome.ok else None,
    )
    if not outcome.ok:
        log.warning("提醒发送失败（第%s次）：%s → %s：%s", attempts, delivery.channel,
                    delivery.pk, error)  # fmt: skip
    return state


def alerts_deliver(
    now: dt.datetime | None = None, *, only: Sequence[int] | None = None
) -> dict[str, int]:
    """Send the deliveries due at NOW (default: now): new ones, and failed ones whose wait
    is over. ONLY limits the pass to those ids (the sender thread's new deliveries).
    Returns how many were sent, failed (to be retried), gave up, or deferred by quiet
    hours. Digest deliveries wait for alerts_digest."""
    now = now or timezone.now()
    due = AlertDelivery.objects.filter(
        state__in=("pending", "failed"), digest=False, next_attempt_at__lte=now
    )
    if only is not None:
        due = due.filter(pk__in=list(only))
    counts = {"sent": 0, "failed": 0, "gave_up": 0, "deferred": 0, "skipped": 0}
    for delivery in due.select_related("rule").order_by("next_attempt_at", "pk")[:BATCH]:
        counts[_attempt(delivery, now)] += 1
    return counts


def alerts_digest(day: dt.date) -> int:
    """Gather the digest deliveries recorded up to the end of DAY (Beijing) and not yet
    gathered into one message per recipient and channel, sent like any delivery (quiet
    hours and retries included). Running it again for the same day gathers nothing new.
    Returns how many digest messages were recorded."""
    end = day_start(day + dt.timedelta(days=1))
    waiting = AlertDelivery.objects.filter(digest=True, state="pending", created_at__lt=end)
    groups: dict[tuple[str, str], list[AlertDelivery]] = {}
    for row in waiting.select_related("rule").order_by("created_at", "pk"):
        groups.setdefault((row.channel, row.recipient), []).append(row)
    now = timezone.now()
    made = 0
    for (channel, recipient), rows in groups.items():
        first = rows[0]
        message = texts.digest_text(day, [(r.subject, absolute_link(r.link)) for r in rows])
        with transaction.atomic():
            summary = AlertDelivery(
                event="digest",
                channel=channel,
                recipient=recipient,
                user_id=first.user_id,
                rule=first.rule,
                subject=message.subject[:300],
                body=message.body,
                quiet_start=first.quiet_start,
                quiet_end=first.quiet_end,
                created_at=now,
            )
            summary.next_attempt_at = _after_quiet(now, summary)
            summary.save()
            taken = AlertDelivery.objects.filter(
                pk__in=[r.pk for r in rows], state="pending", digest=True
            ).update(state="digested", bundle=summary)
            if not taken:  # another digest run gathered them first
                transaction.set_rollback(True)
                continue
        made += 1
    return made


__all__ = [
    "BACKOFF",
    "MAX_ATTEMPTS",
    "Target",
    "alert_emit",
    "alert_targets",
    "alerts_deliver",
    "alerts_digest",
    "quiet_until",
    "unit_chain",
]
