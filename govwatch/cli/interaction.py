"""`govwatch interaction`: import test consultations and citizen messages, print their tables.

govwatch interaction import-tests FILE [--dry-run]
govwatch interaction import-messages FILE [--scope UNIT] [--box 市长信箱] [--dry-run]
govwatch interaction messages --from DATE --to DATE [--box 市长信箱] [--limit-days N] [--json]
govwatch interaction tests --from DATE --to DATE [--same-day N] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from govwatch.cli.base import (
    EXIT_OK,
    CommandError,
    database_ready,
    date_arg,
    import_refused,
    print_json,
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="互动回应：咨询信件测试、网民留言的导入与统计")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    tests_import = actions.add_parser("import-tests", help="导入咨询信件测试记录（xlsx/csv）")
    tests_import.add_argument("file", type=Path)
    tests_import.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    tests_import.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    tests_import.set_defaults(handler=run_import_tests)

    messages_import = actions.add_parser("import-messages", help="导入网民留言（每行一件信件）")
    messages_import.add_argument("file", type=Path)
    messages_import.add_argument(
        "--scope", help="解析单位简称所在的地区（单位全称），如 格尔木市人民政府"
    )
    messages_import.add_argument("--box", help="文件没有“信箱”列时使用的信箱，如 市长信箱")
    messages_import.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    messages_import.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    messages_import.set_defaults(handler=run_import_messages)

    period = argparse.ArgumentParser(add_help=False)
    period.add_argument(
        "--from", dest="start", required=True, type=date_arg, metavar="DATE", help="YYYY-MM-DD"
    )
    period.add_argument(
        "--to", dest="end", required=True, type=date_arg, metavar="DATE", help="YYYY-MM-DD"
    )
    period.add_argument("--json", action="store_true", help="输出 JSON")

    messages = actions.add_parser("messages", parents=[period], help="按承办单位统计网民留言")
    messages.add_argument("--box", help="只统计一个信箱：市长信箱、部门留言 或 我为政府网站找错")
    messages.add_argument(
        "--limit-days", type=int, default=None, metavar="N", help="答复时限（工作日），默认 5"
    )
    messages.set_defaults(handler=run_messages)

    tests = actions.add_parser("tests", parents=[period], help="咨询信件测试的答复分档和按期答复率")
    tests.add_argument(
        "--same-day",
        type=int,
        default=None,
        metavar="N",
        help="按“当日回复/按期/未及时”分档，按期时限 N 个工作日；默认按 1/5 个工作日分档",
    )
    tests.add_argument("--decimals", type=int, default=2, help="比率保留的小数位数，默认 2")
    tests.set_defaults(handler=run_tests)


def _period(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    start, end = args.start, args.end
    if end < start:
        raise CommandError(f"--to {end} 早于 --from {start}")
    return start, end


def _report(args: argparse.Namespace, run: Any) -> int:
    from govwatch.web.interaction.services import InteractionImportError

    if not args.file.is_file():
        raise CommandError(f"找不到文件 {args.file}")
    try:
        report = run()
    except InteractionImportError as exc:
        raise import_refused(exc) from exc
    if args.json:
        print_json(vars(report))
        return EXIT_OK
    title = "试运行（未写入）" if report.dry_run else "导入完成"
    print(
        f"{title}：{args.file}，共 {report.rows} 行：新增 {report.created}，"
        f"更新 {report.updated}，未变 {report.unchanged}"
    )
    for line in report.changes[:200] if report.dry_run else ():
        print(f"  · {line}")
    return EXIT_OK


def run_import_tests(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.interaction.services import consultation_tests_import

    return _report(args, lambda: consultation_tests_import(args.file, dry_run=args.dry_run))


def run_import_messages(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.interaction.services import citizen_messages_import

    return _report(
        args,
        lambda: citizen_messages_import(
            args.file, scope=args.scope, box=args.box, dry_run=args.dry_run
        ),
    )


def _calendar_errors() -> tuple[type[Exception], ...]:
    from govwatch.engine.calendars import CalendarFileError
    from govwatch.engine.workdays import CalendarNotCovered

    return (CalendarNotCovered, CalendarFileError)


def run_messages(args: argparse.Namespace) -> int:
    start, end = _period(args)
    database_ready()
    from govwatch.engine.interaction.messages import BOX_LABELS_ZH
    from govwatch.web.interaction.services import (
        DEFAULT_REPLY_LIMIT_WORKING_DAYS,
        citizen_messages_tabulate,
        parse_box,
    )

    box = None
    if args.box:
        box = parse_box(args.box)
        if box is None:
            known = "、".join(BOX_LABELS_ZH.values())
            raise CommandError(f"未知的信箱“{args.box}”，应为 {known} 之一")
    limit = DEFAULT_REPLY_LIMIT_WORKING_DAYS if args.limit_days is None else args.limit_days
    if limit < 0:
        raise CommandError("--limit-days 不能为负数")
    try:
        table = citizen_messages_tabulate(start, end, box=box, limit_working_days=limit)
    except _calendar_errors() as exc:
        raise CommandError(str(exc)) from None

    def row(stats: Any) -> dict[str, Any]:
        return {
            "unit": stats.unit,
            "letters_received": stats.letters_received,
            "letters_replied": stats.letters_replied,
            "open": stats.open,
            "overdue": stats.overdue,
            "replied_late": stats.replied_late,
            "open_message_ids": list(stats.open_message_ids),
            "overdue_message_ids": list(stats.overdue_message_ids),
        }

    if args.json:
        print_json(
            {
                "period": {"start": start, "end": end},
                "box": box.value if box else None,
                "limit_working_days": limit,
                "units": [row(r) for r in table.rows],
                "total": row(table.total),
            }
        )
        return EXIT_OK
    title = BOX_LABELS_ZH[box] if box else "全部信箱"
    print(f"{title}  {start} 至 {end}  答复时限 {limit} 个工作日")
    print("承办单位\t受理信件数\t信件回复数\t未回复\t超期未回复\t未回复信件编号")
    for stats in (*table.rows, table.total):
        print(
            f"{stats.unit}\t{stats.letters_received}\t{stats.letters_replied}\t{stats.open}\t"
            f"{stats.overdue}\t{'；'.join(stats.open_message_ids)}"
        )
    return EXIT_OK


def run_tests(args: argparse.Namespace) -> int:
    start, end = _period(args)
    if args.same_day is not None and args.same_day < 1:
        raise CommandError("--same-day 须为正整数（按期答复的工作日数）")
    if args.decimals < 0:
        raise CommandError("--decimals 不能为负数")
    database_ready()
    from django.utils import timezone

    from govwatch.engine.interaction.consultations import (
        BUCKET_LABELS_ZH,
        same_day_profile,
        tiered_profile,
    )
    from govwatch.engine.interaction.rates import format_rate
    from govwatch.web.interaction.services import consultation_summary

    profile = tiered_profile(1, 5) if args.same_day is None else same_day_profile(args.same_day)
    try:
        # As of now: an answer that arrived after the period still counts, an open window waits.
        summary = consultation_summary(start, end, profile, as_of=timezone.now())
    except _calendar_errors() as exc:
        raise CommandError(str(exc)) from None
    rate = format_rate(summary.on_time, summary.tested, args.decimals)
    if args.json:
        print_json(
            {
                "period": {"start": start, "end": end},
                "on_time_working_days": profile.on_time_working_days,
                "buckets": [
                    {
                        "bucket": bucket,
                        "label": BUCKET_LABELS_ZH.get(bucket, bucket),
                        "count": count,
                        "targets": list(summary.targets(bucket)),
                    }
                    for bucket, count in summary.bucket_counts
                ],
                "tested": summary.tested,
                "on_time": summary.on_time,
                "on_time_reply_rate": rate,
            }
        )
        return EXIT_OK
    print(f"咨询信件测试  {start} 至 {end}")
    for bucket, count in summary.bucket_counts:
        print(f"{BUCKET_LABELS_ZH.get(bucket, bucket)}\t{count}")
    print(f"测试总数\t{summary.tested}")
    print(f"按期答复率\t{rate}（{summary.on_time}/{summary.tested}）")
    return EXIT_OK
