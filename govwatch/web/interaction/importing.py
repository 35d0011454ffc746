"""Importing citizen messages from mailbox exports (xlsx/csv): all or nothing.

Every row is checked by the engine's row parser (times, status, answer before receipt), its
unit is resolved through the registry's alias resolver within ``scope``, and duplicates are
caught across all sheets. Any error refuses the whole file, listing every problem as
「sheet」第N行「column」列：reason; only a clean file is written, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from govwatch.engine.interaction.message_rows import parse_message_rows
from govwatch.engine.interaction.messages import BOX_LABELS_ZH, MessageBox
from govwatch.engine.registry.schema import RowError
from govwatch.engine.tabular import Sheet, TableFileError, read_table_file
from govwatch.web.interaction.models import CitizenMessage, aware
from govwatch.web.registry.resolver import UnitIndex, UnitLookupError

BATCH = 1000

# Column key -> accepted headers; the first is the one documented and written in errors.
MESSAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "message_id": ("信件编号", "留言编号", "编号"),
    "box": ("信箱", "留言渠道"),
    "unit": ("承办单位", "办理单位", "答复单位", "单位"),
    "received_at": ("受理时间", "来信时间", "留言时间"),
    "answered_at": ("答复时间", "回复时间", "办结时间"),
    "status": ("办理状态", "状态"),
}


class InteractionImportError(Exception):
    """The file was refused; ``errors`` lists every problem, nothing was written."""

    def __init__(self, errors: list[RowError] | list[str]) -> None:
        self.errors = [str(e) for e in errors]
        super().__init__("\n".join(self.errors))


@dataclass
class InteractionImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[str] = field(default_factory=list)


def read_sheets(path: Path) -> list[Sheet]:
    try:
        sheets = read_table_file(path)
    except TableFileError as exc:
        raise InteractionImportError([f"{path.name}：{exc}"]) from exc
    if not any(sheet.rows for sheet in sheets):
        raise InteractionImportError([f"{path.name}：文件中没有数据行（只有表头）"])
    return sheets


def map_headers(
    sheet: Sheet,
    columns: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    errors: list[RowError],
) -> dict[str, str] | None:
    """Column key -> the header this sheet uses; None (and errors) when a required one is missing."""
    found: dict[str, str] = {}
    for key, accepted in columns.items():
        header = next((h for h in accepted if h in sheet.headers), None)
        if header is not None:
            found[key] = header
    missing = [columns[key][0] for key in required if key not in found]
    if missing:
        expected = "、".join(names[0] for names in columns.values())
        errors.append(
            RowError(sheet.name, 1, "", f"缺少列：{'、'.join(missing)}（可用的列：{expected}）")
        )
        return None
    return found


def header_for(key: str, found: Mapping[str, str], columns: Mapping[str, tuple[str, ...]]) -> str:
    return found.get(key) or columns[key][0]


def parse_box(text: str) -> MessageBox | None:
    """A box by identifier or Chinese label (市长信箱)."""
    value = text.strip()
    for box, label in BOX_LABELS_ZH.items():
        if value in (box.value, label):
            return box
    return None


@dataclass(frozen=True)
class _PlannedMessage:
    box: str
    message_id: str
    unit_id: int
    values: dict[str, object]


def citizen_messages_import(
    path: Path,
    *,
    scope: str | None = None,
    box: str | None = None,
    dry_run: bool = False,
) -> InteractionImportReport:
    """Import one row per message from FILE; existing (box, id) records are updated.

    ``scope`` is the region (a unit's full name) in which short names such as 市应急局
    resolve; ``box`` fills rows whose 信箱 cell is blank (exports of a single mailbox).
    """
    sheets = read_sheets(path)
    index = UnitIndex.load()
    scope_id: int | None = None
    if scope:
        try:
            scope_id = index.resolve(scope)
        except UnitLookupError as exc:
            raise InteractionImportError([f"--scope：{exc}"]) from exc
    default_box = ""
    if box:
        found_box = parse_box(box)
        if found_box is None:
            known = "、".join(BOX_LABELS_ZH.values())
            raise InteractionImportError([f"--box：未知的信箱“{box}”，应为 {known} 之一"])
        default_box = found_box.value

    errors: list[RowError] = []
    planned: list[_PlannedMessage] = []
    seen: dict[tuple[str, str], str] = {}
    required = ("message_id", "unit", "received_at") + (() if default_box else ("box",))
    for sheet in sheets:
        found = map_headers(sheet, MESSAGE_COLUMNS, required, errors)
        if found is None:
            continue
        for number, cells in sheet.rows:
            row = {key: cells.get(header, "") for key, header in found.items()}
            if not row.get("box", "").strip():
                row["box"] = default_box
            parsed = parse_message_rows([row], first_row=number)
            row_errors = [
                RowError(sheet.name, e.row, header_for(e.field, found, MESSAGE_COLUMNS), e.message)
                for e in parsed.errors
            ]
            unit_id: int | None = None
            unit_name = row.get("unit", "").strip()
            if unit_name:
                try:
                    unit_id = index.resolve(unit_name, scope_id)
                except UnitLookupError as exc:
                    row_errors.append(RowError(sheet.name, number, found["unit"], str(exc)))
            if parsed.messages:
                message = parsed.messages[0]
                key = (message.box.value, message.message_id)
                where = f"第{number}行" + (f"（「{sheet.name}」）" if len(sheets) > 1 else "")
                if key in seen:
                    row_errors.append(
                        RowError(
                            sheet.name,
                            number,
                            found["message_id"],
                            f"{BOX_LABELS_ZH[message.box]}信件编号 {message.message_id} "
                            f"与{seen[key]}重复",
                        )
                    )
                else:
                    seen[key] = where
                if not row_errors and unit_id is not None:
                    planned.append(
                        _PlannedMessage(
                            box=message.box.value,
                            message_id=message.message_id,
                            unit_id=unit_id,
                            values={
                                "unit_id": unit_id,
                                "received_at": aware(message.received_at),
                                "answered_at": aware(message.answered_at)
                                if message.answered_at
                                else None,
                                "status": message.status.value,
                            },
                        )
                    )
            errors.extend(row_errors)
    if errors:
        raise InteractionImportError(errors)
    return _write_messages(planned, dry_run)


_FIELD_LABELS = {
    "unit_id": "承办单位",
    "received_at": "受理时间",
    "answered_at": "答复时间",
    "status": "办理状态",
}


def _write_messages(planned: list[_PlannedMessage], dry_run: bool) -> InteractionImportReport:
    report = InteractionImportReport(dry_run=dry_run, rows=len(planned))
    ids = {p.message_id for p in planned}
    existing = {(m.box, m.message_id): m for m in CitizenMessage.objects.filter(message_id__in=ids)}
    creates: list[CitizenMessage] = []
    updates: list[CitizenMessage] = []
    for item in planned:
        current = existing.get((item.box, item.message_id))
        label = f"{BOX_LABELS_ZH[MessageBox(item.box)]} {item.message_id}"
        if current is None:
            creates.append(CitizenMessage(box=item.box, message_id=item.message_id, **item.values))
            report.created += 1
            report.changes.append(f"新增：{label}")
            continue
        diffs = [k for k, v in item.values.items() if getattr(current, k) != v]
        if not diffs:
            report.unchanged += 1
            continue
        for k in diffs:
            setattr(current, k, item.values[k])
        updates.append(current)
        report.updated += 1
        report.changes.append(f"更新：{label}（{'、'.join(_FIELD_LABELS[k] for k in diffs)}）")
    if not dry_run:
        with transaction.atomic():
            CitizenMessage.objects.bulk_create(creates, batch_size=BATCH)
            CitizenMessage.objects.bulk_update(
                updates, ["unit_id", "received_at", "answered_at", "status"], batch_size=BATCH
            )
    return report
