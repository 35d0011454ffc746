"""`govwatch workdays`: working-day arithmetic on the official calendar, for offices and scripts.

    govwatch workdays add 2024-09-30 5          -> 2024-10-12
    govwatch workdays between 2024-09-30 2024-10-12   -> 5
    govwatch workdays years                      -> which years are covered, and by what

Extra year files come from ``--calendar FILE`` (repeatable) on top of the shipped folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from govwatch.cli.base import EXIT_OK, CommandError, date_arg, print_json
from govwatch.engine.calendars import CalendarFileError
from govwatch.engine.workdays import CalendarNotCovered, WorkCalendar, load_calendar


def add_parser(subparsers: Any, verb: str) -> None:
    parser = subparsers.add_parser(verb, help="按官方节假日安排计算工作日")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--calendar",
        action="append",
        default=[],
        metavar="FILE",
        help="补充的年度节假日安排文件（YAML，可重复），格式见 docs/workdays.md",
    )
    common.add_argument("--json", action="store_true", help="输出 JSON")
    actions = parser.add_subparsers(dest="workdays_action", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", parents=[common], help="DATE 之后第 N 个工作日")
    add.add_argument("date", metavar="DATE", type=date_arg, help="起始日期 YYYY-MM-DD")
    add.add_argument("n", metavar="N", type=int, help="工作日数（负数表示向前推）")

    between = actions.add_parser(
        "between", parents=[common], help="两个日期之间的工作日数（不含起点、含终点）"
    )
    between.add_argument("start", metavar="DATE", type=date_arg, help="起始日期 YYYY-MM-DD")
    between.add_argument("end", metavar="DATE", type=date_arg, help="结束日期 YYYY-MM-DD")

    actions.add_parser("years", parents=[common], help="列出有节假日安排数据的年份及来源")
    parser.set_defaults(handler=run)


def _calendar(files: list[str]) -> WorkCalendar:
    try:
        return load_calendar(Path(f) for f in files)
    except CalendarFileError as exc:
        raise CommandError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    calendar = _calendar(args.calendar)
    try:
        if args.workdays_action == "add":
            start = args.date
            result = calendar.add_working_days(start, args.n)
            if args.json:
                print_json({"start": start, "working_days": args.n, "result": result})
            else:
                print(result.isoformat())
        elif args.workdays_action == "between":
            start, end = args.start, args.end
            count = calendar.working_days_between(start, end)
            if args.json:
                print_json({"start": start, "end": end, "working_days": count})
            else:
                print(count)
        else:
            years = [
                {"year": year, "source": calendar.source_for(year)}
                for year in calendar.covered_years
            ]
            if args.json:
                print_json(years)
            else:
                for item in years:
                    print(f"{item['year']}\t{item['source']}")
    except CalendarNotCovered as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK
