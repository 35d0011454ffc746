"""Import validation for citizen messages: every problem at once, by row, in Chinese.

Rows are mappings of column name to text (a CSV or spreadsheet row). Columns: message_id, box,
unit, received_at, answered_at (blank when open), status (blank: derived from answered_at).
``box`` and ``status`` take the identifier or the Chinese label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from govwatch.engine.interaction.common import (
    RowError,
    RowErrorCollector,
    china_naive,
    parse_timestamp,
)
from govwatch.engine.interaction.messages import (
    BOX_LABELS_ZH,
    STATUS_LABELS_ZH,
    CitizenMessage,
    MessageBox,
    MessageStatus,
)

# err(field, chinese_message): collects one row's problems.
_ErrorSink = Callable[[str, str], None]

_BOX_NAMES: dict[str, MessageBox] = {
    **{b.value: b for b in MessageBox},
    **{label: b for b, label in BOX_LABELS_ZH.items()},
}
_STATUS_NAMES: dict[str, MessageStatus] = {
    **{s.value: s for s in MessageStatus},
    **{label: s for s, label in STATUS_LABELS_ZH.items()},
    "办理中": MessageStatus.IN_PROGRESS,
    "办结": MessageStatus.CLOSED,
    "已回复": MessageStatus.CLOSED,
}


@dataclass(frozen=True)
class MessageImport:
    messages: tuple[CitizenMessage, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(row: Mapping[str, str | None], key: str) -> str:
    return (row.get(key) or "").strip()


def parse_message_rows(
    rows: Iterable[Mapping[str, str | None]], first_row: int = 2
) -> MessageImport:
    """Parse and validate; ``first_row`` is the file line of the first data row (header = 1).

    Only rows without errors become messages, but callers should refuse the whole import
    when ``errors`` is not empty (nothing half-written).
    """
    messages: list[CitizenMessage] = []
    errors: list[RowError] = []
    seen: dict[tuple[MessageBox, str], int] = {}
    for row_no, row in enumerate(rows, start=first_row):
        message_id = _text(row, "message_id")
        err = RowErrorCollector(row_no, message_id)

        unit = _text(row, "unit")
        if not message_id:
            err("message_id", "缺少信件编号")
        if not unit:
            err("unit", "缺少承办单位")
        box_text = _text(row, "box")
        box = _BOX_NAMES.get(box_text)
        if box is None:
            known = "、".join(BOX_LABELS_ZH.values())
            err("box", f"未知的信箱“{box_text}”，应为 {known} 之一")
        received = _timestamp(row, "received_at", err, required=True)
        answered = _timestamp(row, "answered_at", err, required=False)
        if received and answered and china_naive(answered) < china_naive(received):
            err("answered_at", f"答复时间 {answered} 早于受理时间 {received}")
        status = _status(_text(row, "status"), answered, err)
        if box is not None and message_id:
            earlier = seen.get((box, message_id))
            if earlier is not None:
                err("message_id", f"信件编号与第{earlier}行重复")
            else:
                seen[(box, message_id)] = row_no
        if err.errors or box is None or received is None or status is None:
            errors.extend(err.errors)
            continue
        messages.append(CitizenMessage(message_id, box, unit, received, answered, status))
    return MessageImport(tuple(messages), tuple(errors))


def validate_message_rows(
    rows: Iterable[Mapping[str, str | None]], first_row: int = 2
) -> tuple[RowError, ...]:
    return parse_message_rows(rows, first_row).errors


def _timestamp(
    row: Mapping[str, str | None],
    field: str,
    err: _ErrorSink,
    *,
    required: bool,
) -> dt.datetime | None:
    text = _text(row, field)
    if not text:
        if required:
            err(field, "缺少时间")
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        err(field, f"时间“{text}”无法识别，应写作 YYYY-MM-DD 或 YYYY-MM-DD HH:MM")
        return None


def _status(text: str, answered: dt.datetime | None, err: _ErrorSink) -> MessageStatus | None:
    if not text:
        return MessageStatus.CLOSED if answered is not None else MessageStatus.IN_PROGRESS
    status = _STATUS_NAMES.get(text)
    if status is None:
        err("status", f"未知的办理状态“{text}”，应为 正在办理、已办结 或 无效")
        return None
    if status is MessageStatus.CLOSED and answered is None:
        err("answered_at", "状态为已办结，但没有答复时间")
    if status is MessageStatus.IN_PROGRESS and answered is not None:
        err("status", "已有答复时间，状态却是正在办理")
    return status
