"""Rows of an imported table: one error type, one error list, one set of cell parsers.

Every importer (registry, statistics, messages, consultations, posts) checks the whole file
before writing anything and reports each problem as 「sheet」第N行「column」列：reason, where N
is the line the office sees in Excel (the header is line 1), so that one round trip fixes
everything. Fields name the headers a sheet may use and how a cell becomes a value; a
parser raises ValueError whose text is the Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:  # only named in signatures: every command imports this module, and
    # tabular brings openpyxl (~0.15 s a start) that most commands never use
    from govwatch.engine.tabular import Sheet

Value = str | int | bool | Decimal | dt.date | dt.datetime | tuple[str, ...] | None
Kind = Literal[
    "text", "unit", "ids", "list", "count", "decimal", "date", "timestamp", "choice", "bool",
    "url", "url_list", "email",
]  # fmt: skip

# Enough to fix a file by; a million-row export with one wrong date format must not build
# a million messages.
MAX_LISTED = 200
YES = frozenset({"是", "y", "yes", "true", "1", "有", "成功"})
NO = frozenset({"否", "n", "no", "false", "0", "无", "失败"})
# Lists in one cell: exports write "；", people also type ";" "、" or line breaks.
LIST_SPLIT = re.compile(r"[；;、\n]+")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIMESTAMP = re.compile(
    r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$"
)


@dataclass(frozen=True)
class RowError:
    sheet: str  # "" when the rows came without a sheet (csv.DictReader in tests)
    row: int
    column: str  # "" for a problem of the whole row or sheet
    reason: str

    def __str__(self) -> str:
        sheet = f"「{self.sheet}」" if self.sheet else ""
        column = f"「{self.column}」列" if self.column else ""
        return f"{sheet}第{self.row}行{column}：{self.reason}"


@dataclass
class Row:
    """One data row's values by field key, and the header naming each field in messages."""

    sheet: str
    number: int
    values: dict[str, Value]
    headers: Mapping[str, str]
    ok: bool = True  # False once any of its cells or checks failed

    def text(self, key: str) -> str:
        value = self.values.get(key)
        return value if isinstance(value, str) else ""


class RowErrors:
    """Every problem of one import: the first ``limit`` are kept, the others only counted."""

    def __init__(self, limit: int = MAX_LISTED) -> None:
        self.limit = limit
        self.listed: list[RowError] = []
        self.total = 0
        self.sheets: dict[str, None] = {}  # sheets with errors, in order of their first

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, sheet: str, row: int, column: str, reason: str) -> None:
        self.total += 1
        self.sheets.setdefault(sheet)
        if len(self.listed) < self.limit:
            self.listed.append(RowError(sheet, row, column, reason))

    def at(self, row: Row, key: str, reason: str) -> None:
        """An error in ``row``, in the column of field ``key``; the row is no longer ``ok``."""
        row.ok = False
        self.add(row.sheet, row.number, row.headers.get(key, key), reason)

    def in_order(self) -> list[RowError]:
        """By sheet, then row: checks run in passes, but the office reads the file top down."""
        order = {sheet: at for at, sheet in enumerate(self.sheets)}
        return sorted(self.listed, key=lambda e: (order[e.sheet], e.row))

    def lines(self) -> list[str]:
        more = self.total - len(self.listed)
        return [str(e) for e in self.in_order()] + ([f"另有 {more} 处错误未列出"] if more else [])


class RowsRefused(Exception):
    """A file refused whole, nothing written: ``errors`` are the lines to show the user."""

    def __init__(self, errors: RowErrors | Sequence[str]) -> None:
        if isinstance(errors, RowErrors):
            self.errors, self.total = errors.lines(), errors.total
        else:
            self.errors, self.total = list(errors), len(errors)
        super().__init__("\n".join(self.errors))


Choices = Sequence[str] | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Field:
    """One column: ``header`` is the name documented and used in messages.

    A sheet may also name the column by one of ``aliases`` or by ``key`` (the fixtures'
    English column names). An empty cell is ``default``, else () for lists, "" for text.
    """

    key: str
    header: str
    kind: Kind = "text"
    required: bool = True
    # "choice": the accepted values, or value -> the labels meaning it (the first is shown).
    choices: Choices = ()
    aliases: tuple[str, ...] = ()
    max_length: int = 0  # 0: no limit
    parse: Callable[[str], Value] | None = None  # instead of the kind's parser
    default: Value = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases, self.key)

    @cached_property
    def spellings(self) -> dict[str, str]:
        """A choice's accepted spellings (case and spaces forgiven) -> its value."""
        choices = self.choices
        labels = choices if isinstance(choices, Mapping) else {c: () for c in choices}
        found: dict[str, str] = {}
        for code, names in labels.items():
            for name in (code, *names):
                found.setdefault(_name(name), code)
        return found

    def empty(self) -> Value:
        if self.default is not None:
            return self.default
        if self.kind in ("list", "url_list"):
            return ()
        return "" if self.kind in ("text", "unit", "ids", "url", "email") else None


def _name(text: str) -> str:
    return text.replace(" ", "").casefold()


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in LIST_SPLIT.split(text) if part.strip())


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"网址格式错误（应以 http:// 或 https:// 开头）：{text}")
    if not parts.hostname or " " in text:
        raise ValueError(f"网址格式错误：{text}")
    return text


def _choice(field: Field, text: str) -> str:
    code = field.spellings.get(_name(text))
    if code is None:
        choices = field.choices
        shown = [n[0] for n in choices.values()] if isinstance(choices, Mapping) else choices
        raise ValueError(f"无法识别的取值「{text}」，可选：{'、'.join(shown)}")
    return code


def _bool(text: str) -> bool:
    if text.casefold() in YES:
        return True
    if text.casefold() in NO:
        return False
    raise ValueError(f"应填“是”或“否”，而不是「{text}」")


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ValueError(f"应为整数，实际为「{text}」") from None
    if number < 0:
        raise ValueError(f"数量不能为负数（{number}）")
    return number


def _decimal(text: str) -> Decimal:
    try:
        amount = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise ValueError(f"应为数字，实际为「{text}」") from None
    if amount < 0:
        raise ValueError(f"数值不能为负数（{text}）")
    return amount


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD，实际为「{text}」") from None


def _timestamp(text: str) -> dt.datetime:
    """``2024-05-03``, ``2024/5/3 9:05``, ``2024年5月3日 09:05:00`` (a date alone is midnight).

    Spreadsheets hold those; ISO strings with an offset or a fraction keep them.
    """
    try:
        if match := TIMESTAMP.match(text):
            year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
            return dt.datetime(year, month, day, hour, minute, second)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"时间“{text}”无法识别，应写作 YYYY-MM-DD 或 YYYY-MM-DD HH:MM") from None


def _email(text: str) -> str:
    if not EMAIL.match(text):
        raise ValueError(f"电子邮箱格式错误：「{text}」")
    return text


_PARSERS: dict[str, Callable[[str], Value]] = {
    "list": split_list,
    "count": _count,
    "decimal": _decimal,
    "date": _date,
    "timestamp": _timestamp,
    "bool": _bool,
    "url": _url,
    "url_list": lambda text: tuple(_url(url) for url in split_list(text)),
    "email": _email,
}


def parse_cell(field: Field, text: str) -> Value:
    """The value of one non-empty, stripped cell; ValueError carries the Chinese reason."""
    if field.max_length and len(text) > field.max_length and field.kind not in ("list", "url_list"):
        raise ValueError(f"内容过长（最多 {field.max_length} 字）")
    if field.parse is not None:
        return field.parse(text)
    if field.kind == "choice":
        return _choice(field, text)
    parser = _PARSERS.get(field.kind)
    value = text if parser is None else parser(text)
    if field.max_length and isinstance(value, tuple):  # a list: each item is stored alone
        for item in value:
            if len(item) > field.max_length:
                shown = item if len(item) <= 20 else item[:20] + "…"
                raise ValueError(
                    f"内容过长：「{shown}」有 {len(item)} 字（每项最多 {field.max_length} 字）"
                )
    return value


def match_headers(
    headers: Sequence[str], fields: Sequence[Field]
) -> tuple[dict[str, str], list[str], list[str]]:
    """(field key -> the header a sheet uses for it, unknown headers, repeated headers).

    Case and spaces are forgiven. When a sheet carries two names of one field, the one
    listed first in the field wins (mailbox exports have both 信件编号 and 编号).
    """
    by_name = {
        _name(name): (field.key, rank) for field in fields for rank, name in enumerate(field.names)
    }
    columns: dict[str, tuple[int, str]] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for at, header in enumerate(headers):
        if header and header in headers[:at]:
            repeated.append(header)
            continue
        hit = by_name.get(_name(header))
        if hit is None:
            if header:
                unknown.append(header)
        elif hit[0] not in columns or hit[1] < columns[hit[0]][0]:
            columns[hit[0]] = (hit[1], header)
    return {key: header for key, (_, header) in columns.items()}, unknown, repeated


def check_headers(
    sheet: Sheet,
    fields: Sequence[Field],
    errors: RowErrors,
    *,
    unknown: str | None = None,
    ignored: Iterable[str] = (),
) -> dict[str, str] | None:
    """The sheet's columns by field key, or None after reporting what is wrong with them.

    ``unknown`` is the reason given for a header no field has (None: such columns are
    ignored, as platform exports carry many).
    """
    columns, strangers, repeated = match_headers(sheet.headers, fields)
    before = errors.total
    for header in strangers:
        if unknown is not None and header not in ignored:
            errors.add(sheet.name, 1, header, unknown)
    for header in repeated:
        errors.add(sheet.name, 1, header, "表头重复")
    for field in fields:
        if field.required and field.key not in columns:
            others = "、".join(name for name in field.names[1:] if name != field.header)
            errors.add(
                sheet.name, 1, field.header, "缺少必填列" + (f"（{others}）" if others else "")
            )
    return None if errors.total > before else columns


def parse_rows(
    sheet: Sheet, fields: Sequence[Field], columns: Mapping[str, str], errors: RowErrors
) -> list[Row]:
    """Every data row, each cell parsed; a refused cell is None and its row not ``ok``."""
    # Errors name the documented header even where a sheet uses an alias or the English key.
    headers = {field.key: field.header for field in fields}
    plan = [(field, columns.get(field.key, "")) for field in fields]
    rows: list[Row] = []
    for number, cells in sheet.rows:
        row = Row(sheet.name, number, {}, headers)
        for field, header in plan:
            text = cells.get(header, "").strip()
            if not text:
                if field.required:
                    errors.at(row, field.key, "必填项为空")
                row.values[field.key] = field.empty()
                continue
            try:
                row.values[field.key] = parse_cell(field, text)
            except ValueError as exc:
                errors.at(row, field.key, str(exc))
                row.values[field.key] = None
        rows.append(row)
    return rows
