"""Citizen messages (市长信箱, 部门留言, 我为政府网站找错) and the per-unit table of seed 000.

A message is counted as received when its receipt falls in the period and it is valid
(invalid ones, such as spam or duplicates the office rejected, never enter 受理信件数); it is
replied when its answer time is no later than ``as_of``. Overdue means still open after the
working-day limit the profile sets, counted with govwatch.engine.workdays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from govwatch.engine.interaction.common import china_naive, end_of_day
from govwatch.engine.workdays import WorkCalendar, china_date, default_calendar


class MessageBox(StrEnum):
    MAYOR_MAILBOX = "mayor_mailbox"
    DEPARTMENT_MESSAGE_BOARD = "department_message_board"
    # 我为政府网站找错: the national error-report platform; not a glossary term yet.
    WEBSITE_ERROR_REPORT = "website_error_report"


BOX_LABELS_ZH: dict[MessageBox, str] = {
    MessageBox.MAYOR_MAILBOX: "市长信箱",
    MessageBox.DEPARTMENT_MESSAGE_BOARD: "部门留言",
    MessageBox.WEBSITE_ERROR_REPORT: "我为政府网站找错",
}


class MessageStatus(StrEnum):
    IN_PROGRESS = "in_progress"  # 正在办理
    CLOSED = "closed"  # 已办结
    INVALID = "invalid"  # 无效（不予受理），not counted anywhere


STATUS_LABELS_ZH: dict[MessageStatus, str] = {
    MessageStatus.IN_PROGRESS: "正在办理",
    MessageStatus.CLOSED: "已办结",
    MessageStatus.INVALID: "无效",
}


@dataclass(frozen=True)
class CitizenMessage:
    message_id: str
    box: MessageBox
    unit: str  # the unit the message was assigned to
    received_at: dt.datetime
    answered_at: dt.datetime | None
    status: MessageStatus

    @property
    def valid(self) -> bool:
        return self.status is not MessageStatus.INVALID

    def answered_by(self, as_of: dt.datetime) -> bool:
        return self.answered_at is not None and china_naive(self.answered_at) <= china_naive(as_of)


def reply_deadline(
    message: CitizenMessage, limit_working_days: int, calendar: WorkCalendar | None = None
) -> dt.date:
    """Last day on which an answer is on time: the limit-th working day after receipt."""
    return (calendar or default_calendar()).add_working_days(
        china_date(message.received_at), limit_working_days
    )


@dataclass(frozen=True)
class UnitMessageStats:
    unit: str
    letters_received: int
    letters_replied: int
    overdue: int
    replied_late: int
    open_message_ids: tuple[str, ...]
    overdue_message_ids: tuple[str, ...]

    @property
    def open(self) -> int:
        return len(self.open_message_ids)


def unit_message_table(
    messages: Iterable[CitizenMessage],
    *,
    period: tuple[dt.date, dt.date],
    reply_limit_working_days: int,
    box: MessageBox | None = None,
    as_of: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> tuple[UnitMessageStats, ...]:
    """One row per unit, in order of first appearance; ``as_of`` defaults to the period's end."""
    cal = calendar or default_calendar()
    start, end = period
    cutoff = as_of if as_of is not None else end_of_day(end)
    cutoff_day = china_date(cutoff)
    grouped: dict[str, list[CitizenMessage]] = {}
    for message in messages:
        if box is not None and message.box is not box:
            continue
        if not message.valid or not start <= china_date(message.received_at) <= end:
            continue
        grouped.setdefault(message.unit, []).append(message)

    rows: list[UnitMessageStats] = []
    for unit, items in grouped.items():
        replied = late = 0
        open_ids: list[str] = []
        overdue_ids: list[str] = []
        for message in items:
            deadline = reply_deadline(message, reply_limit_working_days, cal)
            answered_at = message.answered_at
            if answered_at is not None and message.answered_by(cutoff):
                replied += 1
                if china_date(answered_at) > deadline:
                    late += 1
            else:
                open_ids.append(message.message_id)
                if cutoff_day > deadline:
                    overdue_ids.append(message.message_id)
        rows.append(
            UnitMessageStats(
                unit=unit,
                letters_received=len(items),
                letters_replied=replied,
                overdue=len(overdue_ids),
                replied_late=late,
                open_message_ids=tuple(open_ids),
                overdue_message_ids=tuple(overdue_ids),
            )
        )
    return tuple(rows)


def table_totals(rows: Iterable[UnitMessageStats], label: str = "合计") -> UnitMessageStats:
    """The 合计 row the bulletins print under the table."""
    items = list(rows)
    return UnitMessageStats(
        unit=label,
        letters_received=sum(r.letters_received for r in items),
        letters_replied=sum(r.letters_replied for r in items),
        overdue=sum(r.overdue for r in items),
        replied_late=sum(r.replied_late for r in items),
        open_message_ids=tuple(i for r in items for i in r.open_message_ids),
        overdue_message_ids=tuple(i for r in items for i in r.overdue_message_ids),
    )
