"""Citizen messages as mailbox exports list them: the columns, then the checks across them.

Columns (the first header is documented, the others accepted): 信件编号, 信箱, 承办单位,
受理时间, 答复时间 (blank while open), 办理状态 (blank: derived from 答复时间). 信箱 and
办理状态 take the identifier or the Chinese label. Unit names are resolved by the web layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from govwatch.engine.interaction.common import china_naive, export_columns, moment
from govwatch.engine.interaction.messages import (
    BOX_LABELS_ZH,
    STATUS_LABELS_ZH,
    CitizenMessage,
    MessageBox,
    MessageStatus,
)
from govwatch.engine.rows import Field, Row, RowErrors, parse_rows
from govwatch.engine.tabular import Sheet

_STATUS: dict[str, tuple[str, ...]] = {s.value: (label,) for s, label in STATUS_LABELS_ZH.items()}
_STATUS[MessageStatus.IN_PROGRESS] += ("办理中",)
_STATUS[MessageStatus.CLOSED] += ("办结", "已回复")

BOX = Field(
    "box",
    "信箱",
    "choice",
    choices={box.value: (label,) for box, label in BOX_LABELS_ZH.items()},
    aliases=("留言渠道",),
)
MESSAGE_FIELDS = (
    Field("message_id", "信件编号", aliases=("留言编号", "编号")),
    BOX,
    Field("unit", "承办单位", "unit", aliases=("办理单位", "答复单位", "单位")),
    Field("received_at", "受理时间", "timestamp", aliases=("来信时间", "留言时间")),
    Field("answered_at", "答复时间", "timestamp", False, aliases=("回复时间", "办结时间")),
    Field("status", "办理状态", "choice", False, _STATUS, aliases=("状态",)),
)


def parse_messages(
    sheets: Sequence[Sheet], errors: RowErrors, default_box: MessageBox | None = None
) -> list[tuple[Row, CitizenMessage | None]]:
    """Every data row with its message, None where the row has an error.

    ``default_box`` fills blank 信箱 cells (the export of a single mailbox). A (信箱, 信件编号)
    pair may appear once in the whole file, whichever sheet it is on.
    """
    fields: tuple[Field, ...] = MESSAGE_FIELDS
    if default_box is not None:
        box = replace(BOX, required=False, default=default_box.value)
        fields = tuple(box if f is BOX else f for f in MESSAGE_FIELDS)
    seen: dict[tuple[MessageBox, str], str] = {}
    parsed: list[tuple[Row, CitizenMessage | None]] = []
    for sheet in sheets:
        columns = export_columns(sheet, fields, errors)
        for row in parse_rows(sheet, fields, columns, errors) if columns is not None else ():
            message = _message(row, errors)
            if message is not None:
                key = (message.box, message.message_id)
                if key in seen:
                    label = f"{BOX_LABELS_ZH[message.box]}信件编号 {message.message_id}"
                    errors.at(row, "message_id", f"{label} 与{seen[key]}重复")
                else:
                    where = f"（「{sheet.name}」）" if len(sheets) > 1 else ""
                    seen[key] = f"第{row.number}行{where}"
            parsed.append((row, message if row.ok else None))
    return parsed


def _message(row: Row, errors: RowErrors) -> CitizenMessage | None:
    received, answered = moment(row.values["received_at"]), moment(row.values["answered_at"])
    if received and answered and china_naive(answered) < china_naive(received):
        errors.at(row, "answered_at", f"答复时间 {answered} 早于受理时间 {received}")
    status = row.values["status"]
    if not status:  # blank, or refused above
        status = MessageStatus.CLOSED if answered is not None else MessageStatus.IN_PROGRESS
    elif status == MessageStatus.CLOSED and answered is None:
        errors.at(row, "answered_at", "状态为已办结，但没有答复时间")
    elif status == MessageStatus.IN_PROGRESS and answered is not None:
        errors.at(row, "status", "已有答复时间，状态却是正在办理")
    if not row.ok or received is None:
        return None
    box, unit = MessageBox(row.text("box")), row.text("unit")
    return CitizenMessage(
        row.text("message_id"), box, unit, received, answered, MessageStatus(str(status))
    )
