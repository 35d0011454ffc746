"""Working days on the official calendar (工作日), the one place govwatch counts deadlines.

Sources, in order: year files an office entered (govwatch/engine/calendars/, ``--calendar``),
then the `chinesecalendar` package (2004–2026 in 1.11.0). A date no source covers raises
CalendarNotCovered: guessing Monday–Friday would silently move deadlines across a holiday.

Counting convention (docs/workdays.md): ``add_working_days(d, n)`` is the n-th working day
*after* d, so "within 1 working day" of a Friday letter means by the end of Monday (or of an
adjusted working Sunday); ``working_days_between(a, b)`` counts working days in (a, b], the
inverse of add: ``working_days_between(d, add_working_days(d, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import chinese_calendar

from govwatch.engine.calendars import YearArrangement, load_arrangements, shipped_calendar_files
from govwatch.engine.clock import BEIJING

PACKAGE_SOURCE = f"chinesecalendar {chinese_calendar.__version__}"
_PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
_PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year
_ONE_DAY = dt.timedelta(days=1)


class CalendarNotCovered(ValueError):
    """No source knows the official arrangement for this date's year."""

    def __init__(self, day: dt.date, covered: tuple[int, ...]) -> None:
        self.day = day
        self.covered_years = covered
        span = _describe_years(covered) or "无"
        super().__init__(
            f"日期 {day.isoformat()} 没有官方节假日安排数据（已知年份：{span}），"
            f"无法计算工作日。请按国务院办公厅 {day.year} 年部分节假日安排通知录入日历文件"
            "（格式见 docs/workdays.md），用 --calendar 指定或放入 govwatch/engine/calendars/。"
        )


def _describe_years(years: tuple[int, ...]) -> str:
    # Compress 2004..2026 into "2004–2026" so the message stays readable.
    parts: list[str] = []
    start = prev = None
    for year in (*years, None):
        if year is not None and prev is not None and year == prev + 1:
            prev = year
            continue
        if start is not None and prev is not None:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = year
    return "、".join(parts)


def china_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date in Beijing time; naive datetimes are taken as Beijing time already."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BEIJING)
        return value.date()
    return value


@dataclass(frozen=True)
class WorkCalendar:
    """The official calendar: office-entered years first, then the package."""

    arrangements: tuple[YearArrangement, ...] = ()
    use_package: bool = True
    # A deadline must still be set in December for a January the State Council has not
    # arranged yet: with ``provisional`` a year nobody covers counts Monday to Friday as
    # working days instead of raising CalendarNotCovered. Callers say so to the user
    # (``uncovered_years``); statistics keep the strict calendar.
    provisional: bool = False

    @cached_property
    def _by_year(self) -> dict[int, YearArrangement]:
        return {a.year: a for a in self.arrangements}

    @property
    def covered_years(self) -> tuple[int, ...]:
        years = set(self._by_year)
        if self.use_package:
            years.update(range(_PACKAGE_FIRST_YEAR, _PACKAGE_LAST_YEAR + 1))
        return tuple(sorted(years))

    def source_for(self, year: int) -> str | None:
        """Where the arrangement for ``year`` comes from, or None when nothing covers it."""
        if year in self._by_year:
            arrangement = self._by_year[year]
            return f"{arrangement.source}（{arrangement.origin or '录入'}）"
        if self.use_package and _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR:
            return PACKAGE_SOURCE
        return None

    def covers(self, day: dt.date) -> bool:
        return self.source_for(day.year) is not None

    def _require(self, day: dt.date) -> None:
        if not self.covers(day) and not self.provisional:
            raise CalendarNotCovered(day, self.covered_years)

    def uncovered_years(
        self, start: dt.date | dt.datetime, end: dt.date | dt.datetime
    ) -> tuple[int, ...]:
        """Years from START to END (either order) that no source covers."""
        first, last = sorted((china_date(start).year, china_date(end).year))
        return tuple(y for y in range(first, last + 1) if self.source_for(y) is None)

    def is_working_day(self, day: dt.date | dt.datetime) -> bool:
        date = china_date(day)
        # An office file wins over the package for its year: it is the newer, local statement.
        arrangement = self._by_year.get(date.year)
        if arrangement is not None:
            return arrangement.is_working_day(date)
        self._require(date)
        if not self.covers(date):  # provisional: Monday to Friday
            return date.weekday() < 5
        return bool(chinese_calendar.is_workday(date))

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n < 0); n == 0 gives ``start``."""
        day = china_date(start)
        self._require(day)
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
        """Working days in (start, end]; negative when end is before start."""
        first, last = china_date(start), china_date(end)
        self._require(first)
        self._require(last)
        if last < first:
            return -self.working_days_between(last, first)
        count = 0
        day = first
        while day < last:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count


def load_calendar(
    extra_files: Iterable[Path] = (), *, include_shipped: bool = True
) -> WorkCalendar:
    """The calendar from the shipped year files, the given files and the package."""
    files = [*(shipped_calendar_files() if include_shipped else ()), *extra_files]
    return WorkCalendar(arrangements=load_arrangements(files))


@cache
def default_calendar() -> WorkCalendar:
    """Shipped files plus the package; cached because the files do not change at runtime."""
    return load_calendar()


def is_working_day(day: dt.date | dt.datetime, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or default_calendar()).is_working_day(day)


def add_working_days(
    start: dt.date | dt.datetime, n: int, calendar: WorkCalendar | None = None
) -> dt.date:
    return (calendar or default_calendar()).add_working_days(start, n)


def working_days_between(
    start: dt.date | dt.datetime, end: dt.date | dt.datetime, calendar: WorkCalendar | None = None
) -> int:
    return (calendar or default_calendar()).working_days_between(start, end)
