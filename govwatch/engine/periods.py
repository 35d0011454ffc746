"""Period labels an office writes (2024Q2, 2024-05~2024-06, 2024) and the dates they mean.

One parser for every command that takes a period (statistics, inspections, bulletins); the
``kind_zh`` word names the period in messages (统计期, 检查期).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


class PeriodError(ValueError):
    """A period label that names no dates; the message is Chinese and shown as is."""


_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-?[Hh]([12])$")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _single(label: str, kind_zh: str = "统计期") -> tuple[dt.date, dt.date]:
    if m := _YEAR.match(label):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _QUARTER.match(label):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return dt.date(year, first, 1), _month_end(year, first + 2)
    if m := _HALF.match(label):
        year, half = int(m[1]), int(m[2])
        return (
            (dt.date(year, 1, 1), dt.date(year, 6, 30))
            if half == 1
            else (dt.date(year, 7, 1), dt.date(year, 12, 31))
        )
    if m := _MONTH.match(label):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return dt.date(year, month, 1), _month_end(year, month)
    try:
        day = dt.date.fromisoformat(label)
    except ValueError:
        raise PeriodError(
            f"无法识别的{kind_zh}「{label}」，可写作 2024、2024Q2、2024H1、2024-05、"
            "2024-05~2024-06 或 2024-05-01~2024-06-30"
        ) from None
    return day, day


def period_dates(label: str, *, kind_zh: str = "统计期") -> tuple[dt.date, dt.date]:
    """The first and last day of ``label``."""
    text = label.strip()
    if not text:
        raise PeriodError(f"{kind_zh}不能为空")
    parts = re.split(r"~|～|\.\.|至|:", text)
    if len(parts) == 2:
        start, _ = _single(parts[0].strip(), kind_zh)
        _, end = _single(parts[1].strip(), kind_zh)
    elif len(parts) == 1:
        start, end = _single(text, kind_zh)
    else:
        raise PeriodError(f"无法识别的{kind_zh}「{label}」")
    if end < start:
        raise PeriodError(f"{kind_zh}「{label}」的截止日期 {end} 早于起始日期 {start}")
    return start, end


@dataclass(frozen=True)
class Period:
    """A period as an office names it (``label``, upper-cased) and its first and last day."""

    label: str
    start: dt.date
    end: dt.date


def period_parse(text: str, *, kind_zh: str = "检查期") -> Period:
    """2024Q2, 2024-06, 2024, 2024H1, or a range such as 2024-04-01:2024-06-30."""
    label = text.strip().upper()
    start, end = period_dates(label, kind_zh=kind_zh)
    return Period(label, start, end)


def quarter_label(day: dt.date) -> str:
    """The label of ``day``'s quarter ("2024Q3"), as ``period_dates`` reads it."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def months_covered(start: dt.date, end: dt.date) -> int:
    """Calendar months the period touches (May–June is 2): quotas are per month."""
    return (end.year - start.year) * 12 + end.month - start.month + 1
