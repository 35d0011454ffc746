"""Importing a statistics table (csv/xlsx) as one batch: all or nothing.

The engine's schema checks every cell (headers, counts, dates, choices); unit cells are
resolved through the registry's alias resolver within ``scope``, whose message names the
closest units or the ambiguity. Any error refuses the whole file as
「sheet」第N行「column」列：reason, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from govwatch.engine.periods import PeriodError, period_dates
from govwatch.engine.reports import disclosure, schemas
from govwatch.engine.reports.records import Cell, Record, RecordSchema
from govwatch.engine.rows import RowErrors, RowsRefused
from govwatch.engine.tabular import Sheet, TableFileError, read_table_file
from govwatch.web.registry.models import Unit
from govwatch.web.registry.services import UnitIndex, UnitLookupError
from govwatch.web.statistics.models import StatisticsBatch, StatisticsKind, StatisticsRow

SCHEMAS: dict[str, RecordSchema] = {
    StatisticsKind.OFFICE_DOCUMENTS: schemas.OFFICE_DOCUMENTS,
    StatisticsKind.APP_COLUMNS: schemas.APP_COLUMNS,
    StatisticsKind.WEBSITE_COLUMNS: schemas.WEBSITE_COLUMNS,
    StatisticsKind.PORTAL_SUBMISSIONS: schemas.PORTAL_SUBMISSIONS,
    StatisticsKind.LETTERS: schemas.LETTERS,
    StatisticsKind.SUBMISSIONS: schemas.SUBMISSIONS,
    StatisticsKind.COMMISSIONED_ARTICLES: schemas.COMMISSIONED_ARTICLES,
    StatisticsKind.DISCLOSURE_S2: disclosure.PROACTIVE,
    StatisticsKind.DISCLOSURE_S3: disclosure.APPLICATIONS,
    StatisticsKind.DISCLOSURE_S4: disclosure.REVIEW_LITIGATION,
}
# Kinds with one row per unit: the same unit twice (under two spellings) would count twice.
PER_UNIT_KINDS = frozenset(
    {
        StatisticsKind.OFFICE_DOCUMENTS,
        StatisticsKind.PORTAL_SUBMISSIONS,
        StatisticsKind.LETTERS,
        StatisticsKind.SUBMISSIONS,
    }
)


# Text columns that usually name one unit: linked when they resolve, never refused, because
# offices also write groups there (市委、市政府各部门).
LINKED_TEXT_FIELDS: dict[str, str] = {StatisticsKind.APP_COLUMNS: "responsible_unit"}


class StatisticsImportError(RowsRefused):
    """The file was refused; ``errors`` lists every problem, nothing was written."""


@dataclass
class StatisticsImportReport:
    dry_run: bool
    kind: str
    period: str
    period_start: dt.date
    period_end: dt.date
    rows: int = 0
    replaced: bool = False  # an earlier batch of the same kind and period was replaced
    batch_id: int | None = None
    units: int = 0  # rows linked to a registered unit
    source_name: str = ""
    warnings: list[str] = field(default_factory=list)


def kind_schema(kind: str) -> RecordSchema:
    if kind not in SCHEMAS:
        known = "、".join(SCHEMAS)
        raise StatisticsImportError([f"未知的统计类型「{kind}」，应为 {known} 之一"])
    return SCHEMAS[kind]


def unit_field(schema: RecordSchema) -> str | None:
    """The key of the schema's unit column (kind ``unit``), if rows name a unit at all."""
    return next((f.key for f in schema.fields if f.kind == "unit"), None)


def encode(record: Record) -> dict[str, Any]:
    """JSON-safe values: dates as ISO text, decimals as text (exact, never floats)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    return out


def decode(schema: RecordSchema, values: Mapping[str, Any]) -> dict[str, Cell]:
    """Back to the cells the import parsed, by the schema's field kinds."""
    record: dict[str, Cell] = {}
    for item in schema.fields:
        value = values.get(item.key)
        if value is None:
            record[item.key] = None
        elif item.kind == "date":
            record[item.key] = dt.date.fromisoformat(str(value))
        elif item.kind == "decimal":
            record[item.key] = Decimal(str(value))
        elif item.kind == "count":
            record[item.key] = int(value)
        else:
            record[item.key] = str(value)
    return record


def _one_sheet(path: Path) -> Sheet:
    try:
        sheets = read_table_file(path)
    except TableFileError as exc:
        raise StatisticsImportError([f"{path.name}：{exc}"]) from exc
    with_rows = [sheet for sheet in sheets if sheet.rows]
    if not with_rows:
        raise StatisticsImportError([f"{path.name}：文件中没有数据行（只有表头）"])
    if len(with_rows) > 1:
        names = "、".join(f"「{s.name}」" for s in with_rows)
        raise StatisticsImportError(
            [f"{path.name}：多个工作表含数据（{names}），每个文件只能放一张统计表"]
        )
    return with_rows[0]


def _scope_id(index: UnitIndex, scope: str | None) -> int | None:
    if not scope:
        return None
    try:
        return index.resolve(scope)
    except UnitLookupError as exc:
        raise StatisticsImportError([f"--scope：{exc}"]) from exc


def statistics_import(
    path: Path, kind: str, *, period: str, scope: str | None = None, dry_run: bool = False
) -> StatisticsImportReport:
    """Validate FILE as a KIND table for PERIOD and store it, replacing an earlier import.

    ``scope`` is the region (a unit's full name) in which short names such as 市公安局
    resolve.
    """
    schema = kind_schema(kind)
    try:
        first, last = period_dates(period)
    except PeriodError as exc:
        raise StatisticsImportError([f"--period：{exc}"]) from exc
    sheet = _one_sheet(path)
    index = UnitIndex.load()
    scope_id = _scope_id(index, scope)
    errors = RowErrors()
    rows = schema.rows(sheet, errors)
    unit_key = unit_field(schema)
    link_key = unit_key or LINKED_TEXT_FIELDS.get(kind)
    unit_ids: list[int | None] = []
    first_row_of: dict[int, int] = {}
    for row in rows:
        name = row.text(link_key) if link_key else ""
        unit_id = None
        try:
            unit_id = index.resolve(name, scope_id) if name else None
        except UnitLookupError as exc:
            if unit_key is not None:  # a linked text column is never refused
                errors.at(row, unit_key, str(exc))
        if kind in PER_UNIT_KINDS and unit_id is not None:
            earlier = first_row_of.setdefault(unit_id, row.number)
            if earlier != row.number:
                again = f"（{index.display[unit_id]}）与第{earlier}行重复"
                errors.at(row, str(unit_key), f"单位「{name}」{again}")
        unit_ids.append(unit_id)
    if errors:
        raise StatisticsImportError(errors)

    report = StatisticsImportReport(
        dry_run=dry_run,
        kind=kind,
        period=period,
        period_start=first,
        period_end=last,
        rows=len(rows),
        source_name=path.name,
    )
    stored = [
        StatisticsRow(row_number=row.number, unit_id=unit_id, values=encode(row.values))
        for row, unit_id in zip(rows, unit_ids, strict=True)
    ]
    report.units = sum(1 for unit_id in unit_ids if unit_id is not None)
    report.replaced = StatisticsBatch.objects.filter(kind=kind, period=period).exists()
    if dry_run:
        return report
    with transaction.atomic():
        StatisticsBatch.objects.filter(kind=kind, period=period).delete()
        batch = StatisticsBatch.objects.create(
            kind=kind,
            period=period,
            period_start=first,
            period_end=last,
            scope=Unit.objects.get(pk=scope_id) if scope_id else None,
            source_name=path.name,
        )
        for item in stored:
            item.batch = batch
        StatisticsRow.objects.bulk_create(stored, batch_size=1000)
    report.batch_id = batch.pk
    return report
