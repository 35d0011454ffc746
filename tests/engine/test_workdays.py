"""Working days on the official calendar: holidays, adjusted working weekends, year ends."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from govwatch.cli import workdays as workdays_cli
from govwatch.cli.base import CommandError
from govwatch.engine.calendars import (
    SHIPPED_DIR,
    CalendarFileError,
    arrangement_from_mapping,
    load_arrangement,
    load_arrangements,
    shipped_calendar_files,
)
from govwatch.engine.workdays import (
    CalendarNotCovered,
    WorkCalendar,
    add_working_days,
    china_date,
    default_calendar,
    is_working_day,
    load_calendar,
    working_days_between,
)

D = dt.date

# A made-up 2027 arrangement for tests only: not the official one (see docs/workdays.md).
FAKE_2027 = """\
year: 2027
source: 测试用虚构安排（非官方）
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-06, to: 2027-02-13}
working_days:
  - {name: 春节, date: 2027-02-14}
"""


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 2024 Spring Festival: 2-10..2-17 off, Sunday 2-4 and Sunday 2-18 worked.
        (D(2024, 2, 9), 1, D(2024, 2, 18)),
        (D(2024, 2, 3), 1, D(2024, 2, 4)),
        (D(2024, 2, 9), 5, D(2024, 2, 22)),
        (D(2024, 2, 2), 6, D(2024, 2, 9)),
        # 2025 Spring Festival: 1-28..2-4 off, Sunday 1-26 and Saturday 2-8 worked.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 2, 7), 1, D(2025, 2, 8)),
        # 2024 National Day: 10-1..10-7 off, Sunday 9-29 and Saturday 10-12 worked.
        (D(2024, 9, 27), 1, D(2024, 9, 29)),
        (D(2024, 9, 30), 5, D(2024, 10, 12)),
        # 2025 National Day + Mid-autumn: 10-1..10-8 off, Sunday 9-28 and Saturday 10-11 worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        # Year ends: New Year's Day off, the weekend before it too.
        (D(2023, 12, 29), 1, D(2024, 1, 2)),
        (D(2024, 12, 31), 1, D(2025, 1, 2)),
        (D(2024, 12, 27), 4, D(2025, 1, 3)),
        # n == 0 and going backwards.
        (D(2024, 2, 10), 0, D(2024, 2, 10)),
        (D(2024, 2, 19), -1, D(2024, 2, 18)),
        (D(2024, 2, 18), -1, D(2024, 2, 9)),
    ],
)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 2, 8), D(2024, 2, 19), 3),  # 2-9, 2-18, 2-19
        (D(2025, 1, 24), D(2025, 2, 8), 6),  # 1-26, 1-27, 2-5, 2-6, 2-7, 2-8
        (D(2024, 9, 28), D(2024, 10, 12), 7),  # 9-29, 9-30, 10-8..10-12
        (D(2025, 9, 27), D(2025, 10, 12), 6),  # 9-28, 9-29, 9-30, 10-9, 10-10, 10-11
        (D(2024, 12, 27), D(2025, 1, 3), 4),  # 12-30, 12-31, 1-2, 1-3
        (D(2024, 2, 10), D(2024, 2, 17), 0),
        (D(2024, 2, 19), D(2024, 2, 8), -3),
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_adjusted_weekends_and_holidays() -> None:
    assert is_working_day(D(2024, 2, 4))  # Sunday worked
    assert is_working_day(D(2025, 2, 8))  # Saturday worked
    assert not is_working_day(D(2024, 10, 7))  # Monday off
    assert not is_working_day(D(2025, 10, 8))  # Wednesday off
    assert not is_working_day(D(2025, 1, 1))


def test_between_is_the_inverse_of_add() -> None:
    cal = default_calendar()
    day = D(2023, 12, 20)
    while day < D(2025, 12, 20):
        for n in (0, 1, 3, 5, 10):
            assert cal.working_days_between(day, cal.add_working_days(day, n)) == n
        day += dt.timedelta(days=3)


def test_china_date_converts_aware_datetimes() -> None:
    late_utc = dt.datetime(2024, 2, 9, 17, 0, tzinfo=dt.UTC)  # 2-10 01:00 in Beijing
    assert china_date(late_utc) == D(2024, 2, 10)
    assert china_date(dt.datetime(2024, 2, 9, 23, 0)) == D(2024, 2, 9)


def test_uncovered_dates_are_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarNotCovered) as info:
        add_working_days(D(2026, 12, 30), 3)
    assert info.value.day == D(2027, 1, 1)
    assert "2027" in str(info.value) and "没有官方节假日安排" in str(info.value)
    with pytest.raises(CalendarNotCovered):
        working_days_between(D(2026, 12, 1), D(2027, 1, 5))
    with pytest.raises(CalendarNotCovered):
        is_working_day(D(2003, 6, 2))
    with pytest.raises(CalendarNotCovered):
        WorkCalendar(use_package=False).is_working_day(D(2024, 6, 3))


def test_office_file_extends_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(FAKE_2027, encoding="utf-8")
    cal = load_calendar([path])
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 14)  # the adjusted Sunday
    assert cal.working_days_between(D(2026, 12, 25), D(2027, 1, 5)) == 6
    assert "测试用虚构安排" in (cal.source_for(2027) or "")
    assert cal.covered_years[-1] == 2027
    with pytest.raises(CalendarNotCovered):
        cal.add_working_days(D(2027, 12, 31), 1)


def test_example_file_matches_the_package_day_by_day() -> None:
    example = load_arrangement(SHIPPED_DIR / "example-2025.yaml")
    day = D(2025, 1, 1)
    while day.year == 2025:
        assert example.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    # The example documents the format; only YYYY.yaml files load on their own.
    assert SHIPPED_DIR / "example-2025.yaml" not in shipped_calendar_files()


def test_office_file_wins_over_the_package_for_its_year() -> None:
    data = {
        "year": 2025,
        "source": "测试",
        "holidays": [{"name": "测试假日", "date": "2025-03-03"}],
    }
    cal = WorkCalendar(arrangements=(arrangement_from_mapping(data, "test"),))
    assert not cal.is_working_day(D(2025, 3, 3))
    assert cal.is_working_day(D(2025, 1, 28))  # the file does not list Spring Festival


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"year": 2027, "holidays": []}, "source 必填"),
        ({"source": "x"}, "year"),
        (
            {"year": 2027, "source": "x", "working_days": [{"name": "春节", "date": "2027-02-10"}]},
            "应为周末",
        ),
        (
            {"year": 2027, "source": "x", "holidays": [{"name": "元旦", "date": "2026-12-31"}]},
            "不在 2027 年内",
        ),
        (
            {
                "year": 2027,
                "source": "x",
                "holidays": [{"name": "春节", "from": "2027-02-13", "to": "2027-02-06"}],
            },
            "早于",
        ),
        (
            {
                "year": 2027,
                "source": "x",
                "holidays": [{"name": "春节", "date": "2027-02-13"}],
                "working_days": [{"name": "春节", "date": "2027-02-13"}],
            },
            "同时列为",
        ),
        (
            {"year": 2027, "source": "x", "holidays": [{"name": "元旦", "date": "2027/01/01"}]},
            "无法识别",
        ),
        ({"year": 2027, "source": "x", "holidays": [{"date": "2027-01-01"}]}, "缺少 name"),
    ],
)
def test_bad_calendar_files_are_refused(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(CalendarFileError) as info:
        arrangement_from_mapping(data, "2027.yaml")
    assert fragment in str(info.value)
    assert "2027.yaml" in str(info.value) or fragment == "year"


def test_two_files_for_one_year_and_broken_yaml(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(FAKE_2027, encoding="utf-8")
    second.write_text(FAKE_2027, encoding="utf-8")
    with pytest.raises(CalendarFileError, match="两个日历文件"):
        load_arrangements([first, second])
    broken = tmp_path / "broken.yaml"
    broken.write_text("year: [2027\n", encoding="utf-8")
    with pytest.raises(CalendarFileError, match="不是有效的 YAML"):
        load_arrangement(broken)
    with pytest.raises(CalendarFileError, match="找不到日历文件"):
        load_arrangement(tmp_path / "missing.yaml")


# ---- the command ----------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    workdays_cli.add_parser(parser.add_subparsers(), "workdays")
    args = parser.parse_args(["workdays", *argv])
    result: int = args.handler(args)
    return result


def test_cli_add_and_between(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["add", "2024-09-30", "5"]) == 0
    assert capsys.readouterr().out.strip() == "2024-10-12"
    assert _run(["between", "2024-02-08", "2024-02-19"]) == 0
    assert capsys.readouterr().out.strip() == "3"
    assert _run(["add", "2024-02-09", "1", "--json"]) == 0
    assert '"result": "2024-02-18"' in capsys.readouterr().out


def test_cli_refuses_uncovered_and_bad_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match="2027") as info:
        _run(["add", "2026-12-30", "3"])
    assert info.value.exit_code == 2
    with pytest.raises(SystemExit) as exited:
        _run(["between", "2024-02-30", "2024-03-01"])
    assert exited.value.code == 2
    assert "无法识别" in capsys.readouterr().err
    bad = tmp_path / "2027.yaml"
    bad.write_text("year: 2027\n", encoding="utf-8")
    with pytest.raises(CommandError, match="source 必填"):
        _run(["add", "2026-12-30", "3", "--calendar", str(bad)])


def test_cli_reads_extra_calendar_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "2027.yaml"
    path.write_text(FAKE_2027, encoding="utf-8")
    assert _run(["add", "2026-12-31", "1", "--calendar", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "2027-01-04"
    assert _run(["years", "--calendar", str(path)]) == 0
    assert "2027\t测试用虚构安排" in capsys.readouterr().out
