"""Consistency checker for every report: stated figures against the rows they summarise.

A report states figures in prose and in total rows (合计 1199条, 合格率98.9%, 等15个账号).
Each Statement names what it claims and *how to recompute it from the rows* (a Measure), and
the checker recomputes it with its own rules: sums and counts over validated rows, rates with
exact decimals and the report's rounding, counts against listed names. Every mismatch comes
back as an Inconsistency with a Chinese message and both numbers, nothing is corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from govwatch.engine.interaction.rates import RoundingMode, percent
from govwatch.engine.reports.records import Cell, Record, split_ids, text

Dataset = Mapping[str, Sequence[Record]]
# A filter value: one allowed value, several, or a predicate on the cell.
Condition = str | tuple[str, ...] | Callable[[Cell], bool]


@dataclass(frozen=True)
class Inconsistency:
    ref: str
    message_zh: str
    stated: object
    computed: object

    def __str__(self) -> str:
        return f"[{self.ref}] {self.message_zh}"


@dataclass(frozen=True)
class Rows:
    """The rows of one dataset that match every condition (field -> condition)."""

    dataset: str
    where: Mapping[str, Condition] | None = None


@dataclass(frozen=True)
class Sum:
    rows: Rows
    field: str


@dataclass(frozen=True)
class RowCount:
    rows: Rows


@dataclass(frozen=True)
class IdCount:
    """Number of ids listed in a remarks field (e.g. unanswered letter numbers)."""

    rows: Rows
    field: str


@dataclass(frozen=True)
class Const:
    value: int


@dataclass(frozen=True)
class Add:
    parts: tuple[Measure, ...]


@dataclass(frozen=True)
class Sub:
    left: Measure
    right: Measure


Measure = Sum | RowCount | IdCount | Const | Add | Sub


@dataclass(frozen=True)
class Names:
    rows: Rows
    field: str


def _matches(record: Record, where: Mapping[str, Condition] | None) -> bool:
    for key, condition in (where or {}).items():
        value = record.get(key)
        if callable(condition):
            if not condition(value):
                return False
        elif isinstance(condition, tuple):
            if text(record, key) not in condition:
                return False
        elif text(record, key) != condition:
            return False
    return True


def select(data: Dataset, rows: Rows) -> list[Record]:
    if rows.dataset not in data:
        raise KeyError(f"没有名为 {rows.dataset} 的数据表")
    return [record for record in data[rows.dataset] if _matches(record, rows.where)]


def evaluate(data: Dataset, measure: Measure) -> int:
    if isinstance(measure, Const):
        return measure.value
    if isinstance(measure, Sum):
        total = 0
        for record in select(data, measure.rows):
            value = record.get(measure.field)
            if isinstance(value, int):
                total += value
            elif isinstance(value, Decimal) and value == value.to_integral_value():
                total += int(value)
        return total
    if isinstance(measure, RowCount):
        return len(select(data, measure.rows))
    if isinstance(measure, IdCount):
        return sum(len(split_ids(r.get(measure.field))) for r in select(data, measure.rows))
    if isinstance(measure, Add):
        return sum(evaluate(data, part) for part in measure.parts)
    return evaluate(data, measure.left) - evaluate(data, measure.right)


def names(data: Dataset, measure: Names) -> list[str]:
    return sorted({text(record, measure.field) for record in select(data, measure.rows)})


@dataclass(frozen=True)
class StatedCount:
    """A count or total the report states (合计, 共…条, 等N个)."""

    ref: str
    label_zh: str
    stated: int
    measure: Measure


@dataclass(frozen=True)
class StatedRate:
    """A percentage the report states, with the decimals and rounding it prints."""

    ref: str
    label_zh: str
    stated: Decimal
    numerator: Measure
    denominator: Measure
    decimals: int
    mode: RoundingMode = "half_up"


@dataclass(frozen=True)
class StatedNames:
    """Names the report lists (被通报单位, 不合格账号) against the rows that qualify."""

    ref: str
    label_zh: str
    stated: tuple[str, ...]
    measure: Names
    aliases: Mapping[str, str] | None = None


@dataclass(frozen=True)
class StatedNameCount:
    """ "等15个账号" against the names actually listed."""

    ref: str
    label_zh: str
    stated: int
    listed: Names


@dataclass(frozen=True)
class RowRule:
    """A rule every row must satisfy; ``compute`` returns (stated, recomputed) for a row."""

    ref: str
    label_zh: str
    dataset: str
    key_field: str
    compute: Callable[[Record], tuple[object, object]]


@dataclass(frozen=True)
class StatedQuarter:
    """A quarter named in the text (三季度) against the report's own period."""

    ref: str
    label_zh: str
    stated_text: str
    period_quarter: int


Statement = StatedCount | StatedRate | StatedNames | StatedNameCount | RowRule | StatedQuarter

_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def quarter_of(text_zh: str) -> int | None:
    found = re.search(r"(?:第)?([一二三四1-4])季度", text_zh)
    return _QUARTERS[found.group(1)] if found else None


def check(data: Dataset, statement: Statement) -> list[Inconsistency]:
    """Recompute one statement; empty when it holds."""
    s = statement
    if isinstance(s, StatedCount):
        value = evaluate(data, s.measure)
        if value == s.stated:
            return []
        return [
            Inconsistency(
                s.ref, f"{s.label_zh}：文中为{s.stated}，按明细计算为{value}", s.stated, value
            )
        ]
    if isinstance(s, StatedRate):
        num, den = evaluate(data, s.numerator), evaluate(data, s.denominator)
        rate = percent(num, den, s.decimals, s.mode)
        if rate == s.stated:
            return []
        return [
            Inconsistency(
                s.ref,
                f"{s.label_zh}：文中为{s.stated}%，按{num}/{den}计算为{rate}%",
                s.stated,
                rate,
            )
        ]
    if isinstance(s, StatedNames):
        alias = s.aliases or {}
        wanted = sorted({alias.get(name, name) for name in s.stated})
        got = names(data, s.measure)
        if wanted == got:
            return []
        missing = "、".join(sorted(set(wanted) - set(got))) or "无"
        extra = "、".join(sorted(set(got) - set(wanted))) or "无"
        return [
            Inconsistency(
                s.ref,
                f"{s.label_zh}：文中列出{len(wanted)}个，明细中为{len(got)}个"
                f"（明细中没有：{missing}；文中未列：{extra}）",
                len(wanted),
                len(got),
            )
        ]
    if isinstance(s, StatedNameCount):
        listed = len(select(data, s.listed.rows))
        if listed == s.stated:
            return []
        return [
            Inconsistency(
                s.ref, f"{s.label_zh}：文中为{s.stated}个，名单列出{listed}个", s.stated, listed
            )
        ]
    if isinstance(s, RowRule):
        found = []
        for record in data[s.dataset]:
            stated, computed = s.compute(record)
            if stated != computed:
                key = text(record, s.key_field)
                found.append(
                    Inconsistency(
                        s.ref,
                        f"{s.label_zh}（{key}）：表中为{stated}，按本行计算为{computed}",
                        stated,
                        computed,
                    )
                )
        return found
    quarter = quarter_of(s.stated_text)
    if quarter is None or quarter == s.period_quarter:
        return []
    return [
        Inconsistency(
            s.ref,
            f"{s.label_zh}：文中写“{s.stated_text}”（第{quarter}季度），报告期为第{s.period_quarter}季度",
            quarter,
            s.period_quarter,
        )
    ]


def check_all(data: Dataset, statements: Sequence[Statement]) -> list[Inconsistency]:
    found: list[Inconsistency] = []
    for statement in statements:
        found.extend(check(data, statement))
    return found
