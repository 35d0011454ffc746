"""`govwatch posts`: import export files, fetch feeds, and show accounts' activity.

govwatch posts import FILE [--dry-run] [--json]
govwatch posts fetch [--account ID_OR_NAME ...] [--json]
govwatch posts activity --from DATE --to DATE [--json]
govwatch posts check-text [--since DATE] [--json]
govwatch posts token ACCOUNT [--platform P]
"""

from __future__ import annotations

import argparse
import sys
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
    parser = sub.add_parser(verb, help="政务新媒体发文：导入导出文件、采集订阅源、统计更新情况")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True

    imp = actions.add_parser("import", help="导入平台导出的发文记录（xlsx/csv，UTF-8 或 GBK）")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    imp.set_defaults(handler=run_import)

    fetch = actions.add_parser("fetch", help="采集“采集方式”为订阅源的账号")
    fetch.add_argument(
        "--account",
        action="append",
        default=[],
        metavar="ID_OR_NAME",
        help="只采集这些账号（登记编号或账号名称，可重复）",
    )
    fetch.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    fetch.set_defaults(handler=run_fetch)

    activity = actions.add_parser("activity", help="按自然日统计各账号的更新情况")
    activity.add_argument("--from", dest="start", required=True, type=date_arg, metavar="DATE")
    activity.add_argument("--to", dest="end", required=True, type=date_arg, metavar="DATE")
    activity.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    activity.set_defaults(handler=run_activity)

    recheck = actions.add_parser(
        "check-text", help="词库或规则更新后，对已入库发文重新进行内容检查（表述、敏感词、隐私）"
    )
    recheck.add_argument(
        "--since", type=date_arg, metavar="DATE", help="只检查此日期及以后发布的发文"
    )
    recheck.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    recheck.set_defaults(handler=run_check_text)

    token = actions.add_parser(
        "token", help="为采用推送接口的账号生成推送令牌（只显示这一次，原有令牌随即失效）"
    )
    token.add_argument("account", metavar="ACCOUNT", help="账号的登记编号、名称或账号ID")
    token.add_argument(
        "--platform", help="平台（同名账号在多个平台时必填），如 微信公众号、新浪微博"
    )
    token.set_defaults(handler=run_token)


def run_import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise CommandError(f"找不到文件 {args.file}")
    database_ready()
    from govwatch.web.newmedia.services import PostsImportError, posts_import

    try:
        report = posts_import(args.file, dry_run=args.dry_run)
    except PostsImportError as exc:
        raise import_refused(exc) from exc
    counts = {
        "dry_run": report.dry_run,
        "rows": report.rows,
        "new": report.new,
        "duplicate": report.duplicate,
        "accounts": report.accounts,
        "with_text_hits": report.with_text_hits,
    }
    if args.json:
        print_json(counts)
        return EXIT_OK
    title = "试运行（未写入）" if report.dry_run else "导入完成"
    print(
        f"{title}：{args.file}，共 {report.rows} 行，涉及 {report.accounts} 个账号："
        f"新增 {report.new}，重复 {report.duplicate}；新增发文中 {report.with_text_hits} 条有内容问题"
    )
    return EXIT_OK


def run_check_text(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.newmedia.services import posts_text_check

    show = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        print(f"\r已检查 {done}/{total} 条", end="", file=sys.stderr, flush=True)

    report = posts_text_check(args.since, progress=progress if show else None)
    if show and report.checked:
        print(file=sys.stderr)
    if args.json:
        print_json(
            {"checked": report.checked, "with_hits": report.with_hits, "changed": report.changed}
        )
        return EXIT_OK
    print(
        f"检查发文 {report.checked} 条：有内容问题 {report.with_hits} 条，"
        f"检查结果有变化 {report.changed} 条"
    )
    return EXIT_OK


def _accounts(wanted: list[str]) -> Any:
    from govwatch.web.registry.models import Account

    if not wanted:
        return None
    chosen = []
    for item in wanted:
        found = list(
            Account.objects.filter(pk=int(item)) if item.isdigit() else Account.objects.none()
        ) or list(Account.objects.filter(name=item.strip()))
        if not found:
            raise CommandError(f"账号“{item}”未登记")
        chosen.extend(found)
    return chosen


def run_fetch(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.newmedia.services import posts_fetch

    accounts = _accounts(args.account)
    show = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int, account: Any) -> None:
        print(f"\r[{done}/{total}] {account.name[:30]:<30}", end="", file=sys.stderr, flush=True)

    report = posts_fetch(accounts, progress=progress if show else None)
    if show and report.accounts:
        print(file=sys.stderr)
    if args.json:
        print_json(
            {
                "accounts": report.accounts,
                "ok": report.ok,
                "failed": report.failed,
                "new": report.new,
                "duplicate": report.duplicate,
                "rejected": report.rejected,
                "failures": [
                    {"account_id": a.pk, "name": a.name, "reason": reason}
                    for a, reason in report.failures
                ],
            }
        )
        return EXIT_OK
    print(
        f"采集 {report.accounts} 个账号：成功 {report.ok}，失败 {report.failed}；"
        f"新增发文 {report.new}，重复 {report.duplicate}，无法识别的条目 {report.rejected}"
    )
    for account, reason in report.failures:
        print(f"  · {account.name}（{account.get_platform_display()}）：{reason}")
    return EXIT_OK


def run_activity(args: argparse.Namespace) -> int:
    start, end = args.start, args.end
    if end < start:
        raise CommandError(f"--to {end} 早于 --from {start}")
    database_ready()
    from govwatch.engine.newmedia.activity import Window
    from govwatch.web.newmedia.services import accounts_activity_report

    rows = accounts_activity_report(Window(start, end))

    def state(row: Any) -> str:
        if row.health is None or row.health.account_state == "known":
            return "known"
        return "unknown"

    if args.json:
        print_json(
            {
                "period": {"start": start, "end": end},
                "accounts": [
                    {
                        "account_id": r.account.pk,
                        "name": r.account.name,
                        "platform": r.account.platform,
                        "state": state(r),
                        "health": r.health.describe_zh() if r.health else None,
                        "post_count": r.activity.post_count,
                        "last_post_at": r.activity.last_post_at,
                        "longest_gap_days": r.activity.longest_gap_days,
                        "min_week": r.activity.min_week,
                        "noncompliant_days": r.activity.noncompliant_days,
                        "daily_counts": list(r.activity.daily_counts),
                    }
                    for r in rows
                ],
            }
        )
        return EXIT_OK
    print(f"账号更新情况  {start} 至 {end}")
    print("账号\t平台\t发文数\t最近发文\t最长未更新天数\t周发文最少\t备注")
    for r in rows:
        act = r.activity
        last = f"{act.last_post_at:%Y-%m-%d %H:%M}" if act.last_post_at else "无"
        note = "" if state(r) == "known" else f"更新情况未知：{r.health.describe_zh()}"  # type: ignore[union-attr]
        print(
            f"{r.account.name}\t{r.account.get_platform_display()}\t{act.post_count}\t{last}\t"
            f"{act.longest_gap_days}\t{act.min_week}\t{note}"
        )
    return EXIT_OK


def _one_account(text: str, platform_text: str | None) -> Any:
    """The one registered account ``text`` names (登记编号, 名称 or 账号ID), on
    ``platform_text`` when given; a Chinese CommandError when none or several."""
    from django.db.models import Q

    from govwatch.engine.registry import labels as L
    from govwatch.web.registry.models import Account

    wanted = text.strip()
    if not wanted:
        raise CommandError("账号不能为空")
    accounts = Account.objects.all()
    if platform_text:
        platform = L.code_of(L.PLATFORM, platform_text)
        if platform is None:
            raise CommandError(f"平台无法识别：“{platform_text}”")
        accounts = accounts.filter(platform=platform)
    by_id = accounts.filter(pk=int(wanted)) if wanted.isdigit() and len(wanted) < 19 else None
    found = list(by_id or []) or list(
        accounts.filter(Q(name=wanted) | Q(platform_id=wanted)).order_by("pk")
    )
    where = f"{platform_text}上的" if platform_text else ""
    if not found:
        raise CommandError(f"{where}账号“{wanted}”未登记")
    if len(found) > 1:
        listed = "、".join(f"编号 {a.pk}（{a.get_platform_display()}）" for a in found[:10])
        more = f" 等 {len(found)} 个" if len(found) > 10 else ""
        raise CommandError(
            f"{where}账号“{wanted}”对应多个登记账号：{listed}{more}；"
            "请用 --platform 指定平台，或直接写登记编号"
        )
    return found[0]


def run_token(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.web.newmedia.models import PushToken
    from govwatch.web.newmedia.services import push_token_issue

    account = _one_account(args.account, args.platform)
    replaced = PushToken.objects.filter(account=account).exists()
    token = push_token_issue(account)
    print(
        f"已为账号“{account.name}”（{account.get_platform_display()}，登记编号 {account.pk}）"
        "生成推送令牌，只显示这一次，请立即保存" + ("（原有令牌已失效）" if replaced else "") + "："
    )
    print(token)
    print(f"推送地址：POST /api/posts/push/{account.pk}/，请求头 Authorization: Bearer <令牌>")
    if account.ingestion_source != "push":
        print(
            f"注意：该账号的采集方式为“{account.get_ingestion_source_display()}”，"
            "不是“推送接口”；推送的发文同样会入库"
        )
    return EXIT_OK
