"""Statistics rows as offices send them, validated before anything is built from them.

An import is all or nothing: one bad cell refuses the whole file, and the office gets every
problem at once (row number and column named, in Chinese) instead of fixing them one by one.
Unit names are checked through a callable so the engine never needs to know where the
registry lives (the web layer passes a database lookup, tests pass a set's ``__contains__``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

Cell = str | int | Decimal | dt.date | None
Record = Mapping[str, Cell]
FieldKind = Literal["text", "unit", "count", "ids", "decimal", "date", "choice"]
UnitResolver = Callable[[str], bool]


@dataclass(frozen=True)
class Field:
    key: str
    heading_zh: str
    kind: FieldKind = "text"
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordSchema:
    key: str
    title_zh: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass(frozen=True)
class InputError:
    row: int
    column: str
    message_zh: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」列：{self.message_zh}"


@dataclass(frozen=True)
class ValidationResult:
    records: tuple[Record, ...]
    errors: tuple[InputError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def split_ids(value: Cell) -> tuple[str, ...]:
    """Letter ids in a remarks cell; offices separate them with ';', spaces or 、."""
    text = "" if value is None else str(value)
    for sep in (";", "；", "、", ","):
        text = text.replace(sep, " ")
    return tuple(part for part in text.split() if part)


def _parse(field: Field, raw: str) -> tuple[Cell, str | None]:
    text = raw.strip()
    if not text:
        return None, ("不能为空" if field.required else None)
    if field.kind == "count":
        try:
            number = int(text)
        except ValueError:
            return None, f"应为整数，实际为「{text}」"
        if number < 0:
            return None, f"数量不能为负数（{number}）"
        return number, None
    if field.kind == "decimal":
        try:
            amount = Decimal(text.rstrip("%"))
        except InvalidOperation:
            return None, f"应为数字，实际为「{text}」"
        if amount < 0:
            return None, f"数值不能为负数（{text}）"
        return amount, None
    if field.kind == "date":
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, f"日期格式应为 YYYY-MM-DD，实际为「{text}」"
    if field.kind == "choice" and text not in field.choices:
        return None, f"取值「{text}」不在允许范围内（{'、'.join(field.choices)}）"
    return text, None


def _header_map(schema: RecordSchema, headers: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Map file headers to field keys; English keys and Chinese headings are both accepted."""
    by_name: dict[str, str] = {}
    for item in schema.fields:
        by_name[item.key] = item.key
        by_name[item.heading_zh] = item.key
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for header in headers:
        key = by_name.get(header.strip())
        if key is None:
            problems.append(header)
        else:
            mapping[header] = key
    return mapping, problems


def validate_rows(
    schema: RecordSchema,
    headers: Sequence[str],
    rows: Iterable[tuple[int, Mapping[str, str]]],
    resolve_unit: UnitResolver | None = None,
) -> ValidationResult:
    """Check every cell; records only when there is no error at all (row 1 is the header)."""
    errors: list[InputError] = []
    mapping, unknown = _header_map(schema, headers)
    for header in unknown:
        errors.append(InputError(1, header, f"未知列名，「{schema.title_zh}」不包含此列"))
    present = set(mapping.values())
    for item in schema.fields:
        if item.required and item.key not in present:
            errors.append(InputError(1, item.heading_zh, f"缺少必填列（{item.key}）"))
    if errors:
        # Without the right columns every row would only repeat the same complaint.
        return ValidationResult((), tuple(errors))
    records: list[Record] = []
    for number, raw in rows:
        record: dict[str, Cell] = {item.key: None for item in schema.fields}
        for header, key in mapping.items():
            item = schema.field(key)
            value, problem = _parse(item, raw.get(header, ""))
            unknown_unit = (
                item.kind == "unit"
                and isinstance(value, str)
                and resolve_unit is not None
                and not resolve_unit(value)
            )
            if problem is None and unknown_unit:
                problem = f"单位「{value}」不在单位名录中"
            if problem is not None:
                errors.append(InputError(number, item.heading_zh, problem))
            record[key] = value
        records.append(record)
    if errors:
        return ValidationResult((), tuple(errors))
    return ValidationResult(tuple(records), ())


def validate_dicts(
    schema: RecordSchema,
    rows: Sequence[Mapping[str, str]],
    resolve_unit: UnitResolver | None = None,
) -> ValidationResult:
    """Same as validate_rows for csv.DictReader-like rows (headers from the first row)."""
    headers = list(rows[0].keys()) if rows else [f.key for f in schema.fields]
    return validate_rows(schema, headers, enumerate(rows, start=2), resolve_unit)


def count(record: Record, key: str) -> int:
    value = record.get(key)
    if isinstance(value, int):
        return value
    raise TypeError(f"{key} 不是整数")


def text(record: Record, key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value)
