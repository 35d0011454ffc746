"""Interaction services: the only way other code (CLI, views, tasks) uses this app.

The counting rules are the engine's (govwatch.engine.interaction); these functions load the
stored records and the working-day calendar (govwatch.web.calendars) and call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govwatch.engine.interaction.consultations import (
    ConsultationSummary,
    ReplyWindowProfile,
    summarize_consultations,
    tiered_profile,
)
from govwatch.engine.interaction.messages import (
    MessageBox,
    UnitMessageStats,
    table_totals,
    unit_message_table,
)
from govwatch.engine.workdays import WorkCalendar
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.interaction.consultation_importing import consultation_tests_import
from govwatch.web.interaction.importing import (
    InteractionImportError,
    citizen_messages_import,
    parse_box,
)
from govwatch.web.interaction.selectors import (
    citizen_messages_received_between,
    consultation_tests_sent_between,
)

# 000 states no limit; 5 working days is the common local rule and only a default.
DEFAULT_REPLY_LIMIT_WORKING_DAYS = 5


def consultation_summary(
    period_start: dt.date,
    period_end: dt.date,
    profile: ReplyWindowProfile | None = None,
    *,
    as_of: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> ConsultationSummary:
    """Buckets and rates of the tests sent in the period (both ends included, Beijing dates).

    ``profile`` defaults to seed 003's tiers (1 / 5 working days, on time = 1). Without
    ``as_of`` every unanswered test counts as no reply; with it, tests whose window is
    still open are left out as awaiting a reply.
    """
    period = (period_start, period_end)
    tests = consultation_tests_sent_between(period_start, period_end)
    return summarize_consultations(
        tests,
        profile or tiered_profile(1, 5),
        calendar or work_calendar_load(),
        period=period,
        as_of=as_of,
    )


@dataclass(frozen=True)
class MessageTable:
    """The per-unit table of a mailbox (000 附件3/4) and its 合计 row."""

    period: tuple[dt.date, dt.date]  # both ends included
    box: MessageBox | None
    limit_working_days: int
    rows: tuple[UnitMessageStats, ...]
    total: UnitMessageStats


def citizen_messages_tabulate(
    period_start: dt.date,
    period_end: dt.date,
    *,
    box: MessageBox | None = None,
    limit_working_days: int = DEFAULT_REPLY_LIMIT_WORKING_DAYS,
    as_of: dt.datetime | None = None,
    calendar: WorkCalendar | None = None,
) -> MessageTable:
    """Per unit: received, answered, open (with ids) and overdue by the working-day limit.

    Units appear in the order of their first imported message; ``as_of`` defaults to the
    end of the period (the bulletin's view), not today.
    """
    period = (period_start, period_end)
    messages = citizen_messages_received_between(period_start, period_end, box)
    rows = unit_message_table(
        messages,
        period=period,
        reply_limit_working_days=limit_working_days,
        box=box,
        as_of=as_of,
        calendar=calendar or work_calendar_load(),
    )
    return MessageTable(period, box, limit_working_days, rows, table_totals(rows))


__all__ = [
    "DEFAULT_REPLY_LIMIT_WORKING_DAYS",
    "InteractionImportError",
    "citizen_messages_import",
    "citizen_messages_tabulate",
    "consultation_summary",
    "consultation_tests_import",
    "parse_box",
]
