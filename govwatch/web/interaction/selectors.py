"""Read-only queries that turn stored records into the engine's value objects."""

from __future__ import annotations

import datetime as dt

from govwatch.engine.clock import BEIJING
from govwatch.engine.interaction import consultations as C
from govwatch.engine.interaction import messages as M
from govwatch.web.interaction.models import CitizenMessage, ConsultationTest


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in Beijing time: periods are Beijing calendar dates."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=BEIJING)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
    return first, after


def consultation_tests_sent_between(start: dt.date, end: dt.date) -> list[C.ConsultationTest]:
    first, after = _day_bounds(start, end)
    rows = (
        ConsultationTest.objects.filter(sent_at__gte=first, sent_at__lt=after)
        .select_related("site", "account")
        .order_by("sent_at", "test_id")
    )
    return [row.to_engine() for row in rows]


def citizen_messages_received_between(
    start: dt.date, end: dt.date, box: M.MessageBox | None = None
) -> list[M.CitizenMessage]:
    """Messages in import order, so the table lists units as the office's export does."""
    first, after = _day_bounds(start, end)
    rows = CitizenMessage.objects.filter(received_at__gte=first, received_at__lt=after)
    if box is not None:
        rows = rows.filter(box=box.value)
    rows = rows.select_related("unit").order_by("id")
    return [row.to_engine() for row in rows]
