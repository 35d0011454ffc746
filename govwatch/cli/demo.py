"""govwatch demo: the main job on the embedded default.

Creates the database, imports the demo registry built from the seed bulletins, starts the
demo farm (generated gov-like sites and new-media feeds with planted defects) on 127.0.0.1,
registers it, scans the sites and fetches the accounts' feeds, runs the inspection for the
farm's quarter, writes that quarter's bulletin (docx, xlsx, and pdf when LibreOffice is
installed), and serves the web app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from govwatch.cli.base import EXIT_OK, CommandError, database_ready, port_arg, setup_django
from govwatch.engine.fetch.types import FetchConfig

if TYPE_CHECKING:
    from govwatch.web.registry.models import Site

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "demo" / "registry"
# The national rules with a one-day availability window the demo's own probes can fill.
DEMO_PROFILE = DEMO_REGISTRY.parent / "profile-demo.yaml"
ORDER = ("units.csv", "sites.csv", "columns.csv", "accounts.csv")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], verb: str) -> None:
    parser = sub.add_parser(verb, help="演示：建库、导入演示登记数据、扫描演示站群、检查并启动网页")
    parser.add_argument("--no-serve", action="store_true", help="完成后不启动网页")
    parser.add_argument("--host")
    parser.add_argument("--port", type=port_arg)
    parser.add_argument("--out", type=Path, default=Path("out"), help="通报输出目录（默认 ./out）")
    parser.set_defaults(handler=run)


def demo_admin() -> str:
    """The demo needs someone to log in: without a configured password, make one up and show it."""
    import secrets

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from govwatch.cli.init import admin_ensure

    users = get_user_model()
    if settings.GOVWATCH_ADMIN_PASSWORD or users.objects.filter(is_superuser=True).exists():
        return admin_ensure(interactive=False)
    password = secrets.token_urlsafe(9)
    users.objects.create_superuser(settings.GOVWATCH_ADMIN_USER, "", password)
    return (
        f"已创建演示管理员：用户名 {settings.GOVWATCH_ADMIN_USER}，密码 {password}（仅显示这一次）"
    )


def _import(path: Path) -> None:
    from govwatch.web.registry.services import RegistryImportError, registry_import

    try:
        report = registry_import(path)
    except RegistryImportError as exc:
        raise CommandError("演示登记数据有误：\n" + "\n".join(exc.errors)) from exc
    for entity, counts in report.counts.items():
        total = counts.created + counts.updated + counts.unchanged
        print(f"      {path.name}：{entity} {total} 条（新增 {counts.created}）")


def _probe_rounds(sites: Sequence[Site], day: dt.date, fetch: FetchConfig) -> None:
    """Availability from real probes: the watch's own probe round (`govwatch run` fires it
    every 30 minutes), run back to back as many times as the demo profile's window needs,
    each probe dated on the farm's monitoring day. The farm's sites get their own probe
    schedule (as an office may give any site), so the rounds leave the registry's real
    sites alone: this machine may have no way to reach them."""
    from django.utils import timezone

    from govwatch.engine.clock import BEIJING
    from govwatch.engine.profiles import load_profile
    from govwatch.web.monitoring.models import Schedule
    from govwatch.web.monitoring.services import probe_round_run
    from govwatch.web.scans.models import Probe

    window = load_profile(DEMO_PROFILE).rules["SIT001"].params
    rounds = window.window_days * window.min_probes_per_day
    print(
        f"      可用性：演示方案把监测窗口缩短为 {window.window_days} 天、每天 "
        f"{window.min_probes_per_day} 次，现连续探测 {rounds} 轮（持续监测时每30分钟一轮；"
        "内置国家方案仍按官方规则：监测7天、每天不少于20次）"
    )
    schedules = [
        Schedule.objects.get_or_create(
            kind="probe",
            site=site,
            defaults={"interval_minutes": 30, "jitter_seconds": 120, "next_run_at": timezone.now()},
        )[0]
        for site in sites
    ]
    for _ in range(rounds):
        slot = dt.datetime.combine(day, dt.datetime.now(BEIJING).time(), tzinfo=BEIJING)
        for schedule in schedules:
            probe_round_run(schedule, slot, fetch=fetch, as_of=day)
    for site in sites:
        probes = Probe.objects.filter(site=site, slot__isnull=False)
        failed = probes.filter(ok=False).count()
        print(f"      {site.name}：探测 {probes.count()} 次，失败 {failed} 次")


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    from demo.farm import FarmServer, build_farm
    from demo.farm.feeds import ACCOUNTS, quarter_end
    from demo.farm_registry import site_code, write_farm_registry
    from govwatch.cli.serve import serve
    from govwatch.engine.clock import BEIJING
    from govwatch.engine.labels import VERDICT_ZH
    from govwatch.engine.periods import quarter_label
    from govwatch.web.inspections.selectors import inspection_pass_rate_text
    from govwatch.web.inspections.services import inspection_run
    from govwatch.web.newmedia.services import posts_fetch
    from govwatch.web.registry.models import Account, Site
    from govwatch.web.reports.services import bulletin_write
    from govwatch.web.scans.services import sites_scan

    database_ready()
    print("[1/7] 数据库已就绪")
    print(f"      {demo_admin()}")
    missing = [name for name in ORDER if not (DEMO_REGISTRY / name).is_file()]
    if missing:
        raise CommandError(f"演示登记数据缺失：{', '.join(missing)}（应在 {DEMO_REGISTRY}）")
    print("[2/7] 导入演示登记数据（由五份通报整理）")
    for name in ORDER:
        _import(DEMO_REGISTRY / name)
    farm = build_farm(7)
    with FarmServer(farm) as server:
        count = len(farm.sites)
        print(
            f"[3/7] 演示站群已在 127.0.0.1:{server.port} 启动"
            f"（{count} 个网站、{len(ACCOUNTS)} 个新媒体账号订阅源，含预置问题）"
        )
        with tempfile.TemporaryDirectory() as folder:
            for path in write_farm_registry(farm.sites, Path(folder)):
                _import(path)
        codes = [site_code(s["code"]) for s in farm.sites]
        sites = Site.objects.filter(site_code__in=codes).order_by("site_code")
        print(f"[4/7] 扫描演示站群（监测日期 {farm.scan_date}）")

        def progress(done: int, total: int, site: Site, run: object) -> None:
            print(f"      [{done}/{total}] {site.name} 扫描完成")

        sites_scan(
            sites,
            scan_date=farm.scan_date,
            fetch=server.fetch_config(),
            progress=progress,
            probe_count=0,  # availability comes from the watch's probe rounds below
        )
        _probe_rounds(list(sites), farm.scan_date, server.fetch_config())
        # The feeds are read as at the quarter's end, the accounts' monitoring point.
        point = quarter_end(farm.scan_date)
        moment = dt.datetime.combine(point, dt.time(23, 0), tzinfo=BEIJING)
        accounts = Account.objects.filter(name__in=[a.name for a in ACCOUNTS])
        fetched = posts_fetch(accounts, now=moment, fetch=server.fetch_config())
        print(
            f"[5/7] 采集新媒体订阅源（{point}）：{fetched.accounts} 个账号，成功 {fetched.ok}，"
            f"失败 {fetched.failed}，新增发文 {fetched.new}"
        )
    day = farm.scan_date
    quarter = quarter_label(day)
    inspection = inspection_run(quarter, profile_name=str(DEMO_PROFILE), created_by="govwatch demo")
    print(f"[6/7] 检查 {quarter}：网站合格率 {inspection_pass_rate_text(inspection)}")
    results = inspection.results.select_related("site", "account")
    for result in results.order_by("site__site_code", "account__name"):
        if result.site and result.site.site_code in codes:
            print(f"      {VERDICT_ZH[result.verdict]}  {result.site.name}  {result.reason}")
    for result in results.filter(account__in=accounts).order_by("account__name"):
        print(f"      {VERDICT_ZH[result.verdict]}  {result.account.name}  {result.reason}")
    files = bulletin_write(inspection, args.out, doc_number="演示〔2024〕1号")
    print(f"[7/7] 通报已生成：{files.docx}")
    print(f"      附件表：{files.xlsx}")
    print(f"      PDF：{files.pdf}" if files.pdf else f"      PDF：{files.pdf_message}")
    if args.no_serve:
        return EXIT_OK
    host = args.host or settings.GOVWATCH_SERVE_HOST
    port = args.port or settings.GOVWATCH_SERVE_PORT
    print(f"      检查结果：http://{host}:{port}/admin/inspections/inspectionresult/")
    serve(args.host, args.port)
    return EXIT_OK
