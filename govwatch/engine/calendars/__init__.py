"""Official holiday arrangements entered by an office, one YAML file per year.

The State Council publishes each year's arrangement (国务院办公厅关于 YYYY 年部分节假日安排的通知)
around November of the year before; the `chinesecalendar` package only learns it with a new
release. A file here (or one passed with ``--calendar``) fills that gap. Format: docs/workdays.md.

Files named ``YYYY.yaml`` in this folder are loaded automatically; anything else (such as
``example-2025.yaml``) is documentation and only loaded when passed explicitly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

SHIPPED_DIR = Path(__file__).resolve().parent
_YEAR_FILE = re.compile(r"^\d{4}\.ya?ml$")
_WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarFileError(ValueError):
    """A calendar file is unreadable or inconsistent; the message is Chinese and names the file."""


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: holidays (放假) and adjusted working days (调休上班).

    Every other date of the year follows the plain rule: Monday–Friday work, weekends rest.
    """

    year: int
    source: str
    holidays: tuple[tuple[dt.date, str], ...]
    working_days: tuple[tuple[dt.date, str], ...]
    origin: str = ""

    @cached_property
    def holiday_dates(self) -> frozenset[dt.date]:
        return frozenset(day for day, _ in self.holidays)

    @cached_property
    def working_day_dates(self) -> frozenset[dt.date]:
        return frozenset(day for day, _ in self.working_days)

    def is_working_day(self, day: dt.date) -> bool:
        if day.year != self.year:
            raise ValueError(f"{day.isoformat()} 不属于 {self.year} 年的安排")
        if day in self.working_day_dates:
            return True
        if day in self.holiday_dates:
            return False
        return day.weekday() < 5


def _as_date(value: Any, where: str) -> dt.date:
    # PyYAML already turns 2027-01-01 into a date; quoted strings are accepted too.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarFileError(f"{where}：日期“{value}”无法识别，应写作 YYYY-MM-DD")


def _entries(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    raw = data.get(key) or []
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        raise CalendarFileError(f"{where}：{key} 应为列表，每项包含 name 和日期")
    return list(raw)


def arrangement_from_mapping(data: Any, origin: str = "") -> YearArrangement:
    """Validate a parsed YAML document and build the arrangement; all checks name the file."""
    where = origin or "日历数据"
    if not isinstance(data, Mapping):
        raise CalendarFileError(
            f"{where}：文件内容应为键值结构（year、source、holidays、working_days）"
        )
    year = data.get("year")
    if not isinstance(year, int) or not 1949 < year < 2200:
        raise CalendarFileError(f"{where}：year 缺失或不是四位年份")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarFileError(f"{where}：source 必填，写明依据的通知名称和文号")

    holidays: dict[dt.date, str] = {}
    for n, item in enumerate(_entries(data, "holidays", where), start=1):
        label = f"{where} holidays 第{n}项"
        name = str(item.get("name") or "").strip()
        if not name:
            raise CalendarFileError(f"{label}：缺少 name（节日名称）")
        if "date" in item:
            first = last = _as_date(item["date"], label)
        else:
            first = _as_date(item.get("from"), label)
            last = _as_date(item.get("to", item.get("from")), label)
        if last < first:
            raise CalendarFileError(f"{label}：结束日期 {last} 早于开始日期 {first}")
        day = first
        while day <= last:
            if day in holidays:
                raise CalendarFileError(f"{label}：{day} 重复列为假日")
            holidays[day] = name
            day += dt.timedelta(days=1)

    working: dict[dt.date, str] = {}
    for n, item in enumerate(_entries(data, "working_days", where), start=1):
        label = f"{where} working_days 第{n}项"
        name = str(item.get("name") or "").strip()
        day = _as_date(item.get("date"), label)
        if not name:
            raise CalendarFileError(f"{label}：缺少 name（因哪个节日调休）")
        if day.weekday() < 5:
            # A weekday is a working day anyway; listing it is almost always a typo.
            raise CalendarFileError(
                f"{label}：调休上班日 {day} 是{_WEEKDAYS_ZH[day.weekday()]}，应为周末"
            )
        if day in holidays:
            raise CalendarFileError(f"{label}：{day} 同时列为假日和调休上班日")
        if day in working:
            raise CalendarFileError(f"{label}：{day} 重复列为调休上班日")
        working[day] = name

    for day in (*holidays, *working):
        if day.year != year:
            raise CalendarFileError(
                f"{where}：{day} 不在 {year} 年内；跨年的假日请写入该日期所在年份的文件"
            )
    return YearArrangement(
        year=year,
        source=source.strip(),
        holidays=tuple(sorted(holidays.items())),
        working_days=tuple(sorted(working.items())),
        origin=origin,
    )


def load_arrangement(path: Path) -> YearArrangement:
    """Read one YAML calendar file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CalendarFileError(f"找不到日历文件 {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"无法读取日历文件 {path}：{exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CalendarFileError(f"日历文件 {path} 不是有效的 YAML：{exc}") from None
    return arrangement_from_mapping(data, origin=str(path))


def shipped_calendar_files(folder: Path = SHIPPED_DIR) -> tuple[Path, ...]:
    """Year files (``YYYY.yaml``) in the shipped folder, sorted."""
    return tuple(sorted(p for p in folder.iterdir() if _YEAR_FILE.match(p.name)))


def load_arrangements(paths: Iterable[Path]) -> tuple[YearArrangement, ...]:
    """Load several files; two files for the same year are refused (which one would win?)."""
    by_year: dict[int, YearArrangement] = {}
    for path in paths:
        arrangement = load_arrangement(path)
        earlier = by_year.get(arrangement.year)
        if earlier is not None:
            raise CalendarFileError(
                f"{arrangement.year} 年有两个日历文件：{earlier.origin} 和 {arrangement.origin}"
            )
        by_year[arrangement.year] = arrangement
    return tuple(by_year[year] for year in sorted(by_year))
