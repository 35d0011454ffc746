"""govwatch scan: crawl and check registered sites, store the results, print a summary."""

from __future__ import annotations

import argparse
import sys

from govwatch.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    database_ready,
    date_arg,
    print_json,
)
from govwatch.engine.labels import SEVERITY_ZH


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="抓取并检查已登记的网站")
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="CODE",
        help="网站标识码，可重复；不填则扫描全部正常运行的网站",
    )
    parser.add_argument("--date", type=date_arg, help="监测日期（默认今天），YYYY-MM-DD")
    parser.add_argument("--profile", help="指标方案名称或 YAML 文件（默认 cn-national-2019）")
    parser.add_argument("--processes", type=int, help="并行进程数（默认每个 CPU 核一个）")
    parser.add_argument("--max-pages", type=int, help="每个网站最多抓取的页面数")
    parser.add_argument(
        "--distribute",
        action="store_true",
        help="每个网站一个任务，交给 Celery 工作进程（govwatch worker）执行；需设置 CELERY_BROKER_URL",
    )
    parser.add_argument(
        "--json", action="store_true", help="以 JSON 输出问题（代码、网站、网址、证据）"
    )
    parser.add_argument(
        "--fail-on",
        choices=["veto", "deduction", "warning"],
        help="出现该级别及以上问题时以 1 退出",
    )
    parser.set_defaults(handler=run)


SEVERITY_ORDER = {"veto": 3, "deduction": 2, "warning": 1, "info": 0}


def run(args: argparse.Namespace) -> int:
    database_ready()
    from govwatch.engine.profiles import ProfileError
    from govwatch.web.registry.models import Site
    from govwatch.web.scans.services import sites_dispatch, sites_scan

    sites = Site.objects.filter(status="running").order_by("site_code")
    if args.site:
        codes = [c.strip().lower() for c in args.site]
        sites = Site.objects.filter(site_code__in=codes).order_by("site_code")
        missing = sorted(set(codes) - set(sites.values_list("site_code", flat=True)))
        if missing:
            raise CommandError(f"未登记的网站标识码：{'、'.join(missing)}")
    if not sites.exists():
        raise CommandError("没有可扫描的网站：请先用 govwatch registry import 登记网站")
    overrides = {"max_pages": args.max_pages} if args.max_pages else {}
    show = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int, site: Site, run: object) -> None:
        if show:
            print(
                f"\r[{done}/{total}] {site.site_code} {site.name} 完成",
                end="",
                file=sys.stderr,
                flush=True,
            )

    try:
        if args.distribute:
            from django.conf import settings

            if not settings.CELERY_BROKER_URL or overrides:
                raise CommandError(
                    "--distribute 需要设置 CELERY_BROKER_URL（如 redis://127.0.0.1:6379/0），"
                    "且不能与 --max-pages 同用"
                )
            runs = sites_dispatch(
                sites, scan_date=args.date, profile_name=args.profile, progress=progress
            )
        else:
            runs = sites_scan(
                sites,
                scan_date=args.date,
                profile_name=args.profile,
                processes=args.processes,
                progress=progress,
                **overrides,
            )
    except ProfileError as exc:
        raise CommandError(f"指标方案有误：{exc}") from exc
    if show:
        print(file=sys.stderr)
    worst = 0
    report = []
    for run in sorted(runs, key=lambda r: r.site.site_code):
        findings = list(run.findings.all())
        worst = max([worst] + [SEVERITY_ORDER[f.severity] for f in findings])
        report.append((run, findings))
    if args.json:
        print_json(
            [
                {
                    "site": run.site.site_code,
                    "site_name": run.site.name,
                    "scan_id": run.scan_id,
                    "scan_date": run.scan_date.isoformat(),
                    "stats": run.stats,
                    "findings": [
                        {
                            "code": f.code,
                            "slug": f.slug,
                            "severity": f.severity,
                            "target": f.target_id,
                            "message": f.message,
                            "evidence": f.evidence,
                        }
                        for f in findings
                    ],
                }
                for run, findings in report
            ]
        )
    else:
        for run, findings in report:
            counts = {k: sum(1 for f in findings if f.severity == k) for k in SEVERITY_ZH}
            summary = "，".join(f"{SEVERITY_ZH[k]} {v}" for k, v in counts.items() if v) or "无问题"
            pages = run.stats.get("pages_fetched", 0) + run.stats.get("pages_resumed", 0)
            print(f"{run.site.site_code} {run.site.name}：{pages} 页，{summary}")
            for f in findings:
                if f.severity != "info":
                    print(f"    [{f.code} {SEVERITY_ZH[f.severity]}] {f.message}")
    if args.fail_on and worst >= SEVERITY_ORDER[args.fail_on]:
        return EXIT_PROBLEMS
    return EXIT_OK
