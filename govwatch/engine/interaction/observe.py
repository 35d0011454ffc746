"""A site's interaction observations from the records: which messages count, and each
test consultation put in its bucket on the official calendar."""

from __future__ import annotations

from collections.abc import Iterable

from govwatch.engine.checks.inputs import ConsultationObservation, MessageObservation
from govwatch.engine.clock import beijing
from govwatch.engine.interaction.consultations import (
    BUCKET_LABELS_ZH,
    ConsultationTest,
    classify_test,
    tiered_profile,
)
from govwatch.engine.interaction.messages import BOX_LABELS_ZH, CitizenMessage, MessageBox
from govwatch.engine.workdays import WorkCalendar

# 我为政府网站找错 reports errors, it is not a 政务咨询类 column, so W-V5b does not cover it.
CONSULTATION_BOXES = (MessageBox.MAYOR_MAILBOX, MessageBox.DEPARTMENT_MESSAGE_BOARD)


def message_observations(
    messages: Iterable[CitizenMessage],
) -> tuple[MessageObservation, ...] | None:
    """The valid messages of the consultation boxes; None when there are none (nothing
    imported is not the same as nothing unanswered)."""
    found = tuple(
        MessageObservation(
            message_id=m.message_id,
            received_at=beijing(m.received_at),
            answered_at=beijing(m.answered_at) if m.answered_at else None,
            box=BOX_LABELS_ZH[m.box],
        )
        for m in messages
        if m.valid and m.box in CONSULTATION_BOXES
    )
    return found or None


def consultation_observations(
    tests: Iterable[ConsultationTest], calendar: WorkCalendar
) -> tuple[ConsultationObservation, ...] | None:
    """Each test in its bucket (W-D6 tiers: 1 and 5 working days); None without tests."""
    window = tiered_profile(1, 5)
    found = tuple(
        ConsultationObservation(
            test_id=c.test.test_id,
            bucket=c.bucket,
            on_time=c.bucket in window.on_time_buckets,
            label_zh=BUCKET_LABELS_ZH.get(c.bucket, c.bucket),
        )
        for c in (classify_test(t, window, calendar) for t in tests)
    )
    return found or None
