"""govwatch registry import|export: units, sites, columns and accounts as xlsx/csv."""

from __future__ import annotations

import argparse
from pathlib import Path

from govwatch.cli.base import (
    EXIT_OK,
    CommandError,
    database_ready,
    import_refused,
    output_file,
    print_json,
)

ENTITIES = ("units", "sites", "columns", "accounts")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="导入、导出登记数据（单位、网站、栏目、账号）")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    imp = actions.add_parser("import", help="从 xlsx/csv 导入；整份文件有效才写入")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只显示将要发生的变化，不写入")
    imp.add_argument("--scope", help="解析简称时所在的地区（单位全称），如 格尔木市人民政府")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    imp.set_defaults(handler=run_import)
    exp = actions.add_parser("export", help="导出为 xlsx（全部）或 csv（一类）")
    exp.add_argument("file", type=Path)
    exp.add_argument("--entity", choices=ENTITIES, help="csv 时必填：导出哪一类")
    exp.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CommandError(f"找不到文件 {args.file}")
    database_ready()
    from govwatch.web.registry.services import RegistryImportError, registry_import

    try:
        report = registry_import(args.file, dry_run=args.dry_run, scope=args.scope)
    except RegistryImportError as exc:
        raise import_refused(exc) from exc
    if args.json:
        print_json(
            {
                "dry_run": report.dry_run,
                "counts": {k: vars(v) for k, v in report.counts.items()},
                "changes": report.changes,
            }
        )
        return EXIT_OK
    title = "试运行（未写入）" if report.dry_run else "导入完成"
    print(f"{title}：{args.file}")
    sheet_names = {"units": "单位", "sites": "网站", "columns": "栏目", "accounts": "账号"}
    for entity, counts in report.counts.items():
        print(
            f"  {sheet_names[entity]}：新增 {counts.created}，更新 {counts.updated}，"
            f"未变 {counts.unchanged}"
        )
    if report.dry_run:
        shown = report.changes[:200]
        for line in shown:
            print(f"  · {line}")
        if len(report.changes) > len(shown):
            print(
                f"  …… 另有 {len(report.changes) - len(shown)} 处变化未列出（用 --json 查看全部）"
            )
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    output_file(args.file, "导出文件")
    database_ready()
    from govwatch.web.registry.services import RegistryExportError, registry_export

    try:
        counts = registry_export(args.file, args.entity)
    except RegistryExportError as exc:
        raise CommandError(str(exc)) from exc
    parts = "，".join(f"{k} {v} 行" for k, v in counts.items())
    print(f"已导出到 {args.file}：{parts}")
    return EXIT_OK
