"""Small shared pieces: reporting periods, row errors, timestamp parsing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govwatch.engine.clock import BEIJING
from govwatch.engine.workdays import china_date


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends included (统计时间：4月1日—6月30日)."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"统计期结束日期 {self.end} 早于开始日期 {self.start}")

    def contains(self, moment: dt.date | dt.datetime) -> bool:
        return self.start <= china_date(moment) <= self.end


@dataclass(frozen=True)
class RowError:
    """One problem in an imported row; ``row`` is the line number the user sees in the file."""

    row: int
    field: str
    message: str
    record_id: str = ""

    def __str__(self) -> str:
        who = f"（{self.record_id}）" if self.record_id else ""
        return f"第{self.row}行{who} {self.field}：{self.message}"


_TIMESTAMP = re.compile(
    r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$"
)


def parse_timestamp(text: str) -> dt.datetime:
    """Dates as spreadsheets hold them.

    ``2024-05-03``, ``2024/5/3 9:05``, ``2024年5月3日 09:05:00``; a date alone is midnight.
    ISO strings with an offset keep it. Raises ValueError.
    """
    value = text.strip()
    match = _TIMESTAMP.match(value)
    if match is None:
        # Offsets and fractions: leave those to the standard parser.
        return dt.datetime.fromisoformat(value)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return dt.datetime(year, month, day, hour, minute, second)


def china_naive(moment: dt.datetime) -> dt.datetime:
    """Beijing wall-clock time without tzinfo, so naive and aware records compare safely."""
    if moment.tzinfo is not None:
        return moment.astimezone(BEIJING).replace(tzinfo=None)
    return moment


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day: a report "as of 6月30日" includes answers sent that evening."""
    return dt.datetime.combine(day, dt.time.max)


class RowErrorCollector:
    """Collects one row's problems; called as ``err(field, chinese_message)``."""

    def __init__(self, row: int, record_id: str) -> None:
        self.row = row
        self.record_id = record_id
        self.errors: list[RowError] = []

    def __call__(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.row, field, message, self.record_id))
