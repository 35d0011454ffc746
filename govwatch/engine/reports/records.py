"""Statistics rows as offices send them, validated before anything is built from them.

An import is all or nothing: one bad cell refuses the whole file, and the office gets every
problem at once (row number and column named, in Chinese) instead of fixing them one by one.
Fields and cells are those of every importer (govwatch.engine.rows); whether a named unit is
registered is for the web layer to decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govwatch.engine.rows import Field, Row, RowError, RowErrors, Value, check_headers, parse_rows
from govwatch.engine.tabular import Sheet, dict_sheet

Cell = Value
Record = Mapping[str, Cell]


@dataclass(frozen=True)
class RecordSchema:
    key: str
    title_zh: str
    fields: tuple[Field, ...]

    def rows(self, sheet: Sheet, errors: RowErrors) -> list[Row]:
        """Every row of ``sheet``, or none when its headers are wrong: each would only repeat it."""
        unknown = f"未知列名，「{self.title_zh}」不包含此列"
        columns = check_headers(sheet, self.fields, errors, unknown=unknown)
        return parse_rows(sheet, self.fields, columns, errors) if columns is not None else []


@dataclass(frozen=True)
class ValidationResult:
    records: tuple[Record, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def split_ids(value: Cell) -> tuple[str, ...]:
    """Letter ids in a remarks cell; offices separate them with ';', spaces or 、."""
    text = "" if value is None else str(value)
    for sep in (";", "；", "、", ","):
        text = text.replace(sep, " ")
    return tuple(part for part in text.split() if part)


def validate_dicts(schema: RecordSchema, rows: Sequence[Mapping[str, str]]) -> ValidationResult:
    """Check csv.DictReader-like rows (line 1 is the header); records only without errors."""
    errors = RowErrors()
    parsed = schema.rows(dict_sheet("", rows), errors)
    if errors:
        return ValidationResult((), tuple(errors.in_order()))
    return ValidationResult(tuple(row.values for row in parsed), ())


def count(record: Record, key: str) -> int:
    value = record.get(key)
    if isinstance(value, int):
        return value
    raise TypeError(f"{key} 不是整数")


def text(record: Record, key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)
