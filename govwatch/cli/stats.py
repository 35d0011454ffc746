"""`govwatch stats`: import statistics tables, print them, check the disclosure report.

govwatch stats import FILE --kind K --period P [--scope UNIT] [--dry-run] [--json]
govwatch stats table --kind K --period P [--json]
govwatch stats check --period P [--json]
govwatch stats workbook --period P --out FILE.xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from govwatch.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    database_ready,
    import_refused,
    period_arg,
    print_json,
)

KINDS = (
    "office_documents",
    "app_columns",
    "website_columns",
    "portal_submissions",
    "letters",
    "submissions",
    "commissioned_articles",
    "disclosure_s2",
    "disclosure_s3",
    "disclosure_s4",
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="统计数据：收发文、栏目发布、信息报送、政府信息公开年报")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    period_help = "统计期，如 2024Q2、2024-05~2024-06、2024"
    period = period_arg("统计期")

    imp = actions.add_parser("import", help="导入一张统计表（xlsx/csv），整表校验，全部或全不")
    imp.add_argument("file", type=Path)
    imp.add_argument("--kind", required=True, choices=KINDS, help="统计类型")
    imp.add_argument("--period", required=True, type=period, help=period_help)
    imp.add_argument("--scope", help="解析单位简称所在的地区（单位全称），如 格尔木市人民政府")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    imp.set_defaults(handler=run_import)

    table = actions.add_parser("table", help="输出统计表（含合计行）")
    table.add_argument("--kind", required=True, choices=KINDS, help="统计类型")
    table.add_argument("--period", required=True, type=period, help=period_help)
    table.add_argument("--json", action="store_true", help="以 JSON 输出")
    table.set_defaults(handler=run_table)

    check = actions.add_parser("check", help="检查政府信息公开年报的勾稽关系（不一致时退出码 1）")
    check.add_argument("--period", required=True, type=period, help=period_help)
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(handler=run_check)

    workbook = actions.add_parser("workbook", help="把统计期的全部统计表写入一个 xlsx")
    workbook.add_argument("--period", required=True, type=period, help=period_help)
    workbook.add_argument("--out", required=True, type=Path, help="输出文件 .xlsx")
    workbook.set_defaults(handler=run_workbook)


def _json_cell(cell: Any) -> Any:
    if isinstance(cell, Decimal):
        return str(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return cell


def run_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CommandError(f"找不到文件 {args.file}")
    database_ready()
    from govwatch.web.statistics.services import StatisticsImportError, statistics_import

    try:
        report = statistics_import(
            args.file, args.kind, period=args.period, scope=args.scope, dry_run=args.dry_run
        )
    except StatisticsImportError as exc:
        raise import_refused(exc) from exc
    if args.json:
        print_json(vars(report))
        return EXIT_OK
    title = "试运行（未写入）" if report.dry_run else "导入完成"
    replaced = "，替换了同一统计期的旧数据" if report.replaced else ""
    print(
        f"{title}：{args.file}，{args.kind}，统计期 {report.period}"
        f"（{report.period_start} 至 {report.period_end}），共 {report.rows} 行，"
        f"关联单位 {report.units} 行{replaced}"
    )
    return EXIT_OK


def run_table(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.engine.reports.tables import format_cell
    from govwatch.web.statistics.services import StatisticsNotFound, statistics_table

    try:
        table = statistics_table(args.kind, args.period)
    except StatisticsNotFound as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json(
            {
                "kind": args.kind,
                "period": args.period,
                "title": table.title,
                "headings": list(table.headings),
                "rows": [
                    {"kind": row.kind, "cells": [_json_cell(c) for c in row.cells]}
                    for row in table.rows
                ],
            }
        )
        return EXIT_OK
    print(f"{table.title}（{args.period}）")
    print("\t".join(table.headings))
    for row in table.rows:
        print("\t".join(format_cell(cell) for cell in row.cells))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.statistics.services import StatisticsNotFound, disclosure_check

    try:
        found = disclosure_check(args.period)
    except StatisticsNotFound as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json(
            {
                "period": args.period,
                "consistent": not found,
                "inconsistencies": [
                    {
                        "ref": f.ref,
                        "message": f.message_zh,
                        "stated": f.stated,
                        "computed": f.computed,
                    }
                    for f in found
                ],
            }
        )
    elif found:
        print(f"统计期 {args.period}：勾稽关系不一致 {len(found)} 处")
        for item in found:
            print(f"  · {item}")
    else:
        print(f"统计期 {args.period}：勾稽关系全部一致")
    return EXIT_PROBLEMS if found else EXIT_OK


def run_workbook(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".xlsx":
        raise CommandError(f"输出文件应为 .xlsx：{args.out}")
    if not args.out.parent.is_dir():
        raise CommandError(f"输出目录不存在：{args.out.parent}")
    database_ready()
    from govwatch.web.statistics.services import StatisticsNotFound, statistics_workbook

    try:
        written = statistics_workbook(args.period, args.out)
    except StatisticsNotFound as exc:
        raise CommandError(str(exc)) from None
    print(f"已写入 {args.out}：{len(written)} 张统计表（{'、'.join(t.title for t in written)}）")
    return EXIT_OK
