"""Importing citizen messages from mailbox exports (xlsx/csv): all or nothing.

Every row is checked by the engine's row parser (times, status, answer before receipt), its
unit is resolved through the registry's alias resolver within ``scope``, and duplicates are
caught across all sheets. Any error refuses the whole file, listing every problem as
「sheet」第N行「column」列：reason; only a clean file is written, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from govwatch.engine.interaction.message_rows import BOX, parse_messages
from govwatch.engine.interaction.messages import BOX_LABELS_ZH, MessageBox
from govwatch.engine.rows import RowErrors, RowsRefused, parse_cell
from govwatch.engine.tabular import Sheet, TableFileError, read_table_file
from govwatch.web.interaction.models import CitizenMessage, aware
from govwatch.web.registry.services import UnitIndex, UnitLookupError

BATCH = 1000


class InteractionImportError(RowsRefused):
    """The file was refused; ``errors`` lists every problem, nothing was written."""


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


def parse_box(text: str) -> MessageBox | None:
    """A box by identifier or Chinese label (市长信箱)."""
    try:
        return MessageBox(str(parse_cell(BOX, text.strip())))
    except ValueError:
        return None


# A record to write: its natural key, its other fields, and its label in the change list.
Planned = tuple[dict[str, object], dict[str, object], str]


def citizen_messages_import(
    path: Path, *, scope: str | None = None, box: str | None = None, dry_run: bool = False
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
    default_box = parse_box(box) if box else None
    if box and default_box is None:
        known = "、".join(BOX_LABELS_ZH.values())
        raise InteractionImportError([f"--box：未知的信箱“{box}”，应为 {known} 之一"])

    errors = RowErrors()
    planned: list[Planned] = []
    for row, message in parse_messages(sheets, errors, default_box):
        unit_id: int | None = None
        if row.text("unit"):
            try:
                unit_id = index.resolve(row.text("unit"), scope_id)
            except UnitLookupError as exc:
                errors.at(row, "unit", str(exc))
        if message is not None and row.ok:
            key: dict[str, object] = {"box": message.box.value, "message_id": message.message_id}
            values: dict[str, object] = {
                "unit_id": unit_id,
                "received_at": aware(message.received_at),
                "answered_at": aware(message.answered_at) if message.answered_at else None,
                "status": message.status.value,
            }
            label = f"{BOX_LABELS_ZH[message.box]} {message.message_id}"
            planned.append((key, values, label))
    if errors:
        raise InteractionImportError(errors)
    ids = [key["message_id"] for key, _, _ in planned]
    existing = {(m.box, m.message_id): m for m in CitizenMessage.objects.filter(message_id__in=ids)}
    return write_planned(CitizenMessage, planned, existing, dry_run)


def write_planned(
    model: Any, planned: list[Planned], existing: dict[Any, Any], dry_run: bool
) -> InteractionImportReport:
    """Create or update one record per planned row; a record that would not change is left."""
    report = InteractionImportReport(dry_run=dry_run, rows=len(planned))
    creates: list[Any] = []
    updates: list[Any] = []
    for key, values, label in planned:
        current = existing.get(tuple(key.values()))
        if current is None:
            creates.append(model(**key, **values))
            report.created += 1
            report.changes.append(f"新增：{label}")
            continue
        diffs = [k for k, v in values.items() if getattr(current, k) != v]
        if not diffs:
            report.unchanged += 1
            continue
        for k in diffs:
            setattr(current, k, values[k])
        updates.append(current)
        report.updated += 1
        names = "、".join(str(model._meta.get_field(k).verbose_name) for k in diffs)
        report.changes.append(f"更新：{label}（{names}）")
    if planned and not dry_run:
        with transaction.atomic():
            model.objects.bulk_create(creates, batch_size=BATCH)
            model.objects.bulk_update(updates, list(planned[0][1]), batch_size=BATCH)
    return report
