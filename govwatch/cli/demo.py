"""govwatch demo: the main job on the embedded default.

Creates the database, imports the demo registry built from the seed bulletins, starts the
demo farm (generated gov-like sites and new-media feeds with planted defects) on 127.0.0.1,
registers it, scans the sites and fetches the accounts' feeds, runs the inspection for the
farm's quarter, confirms its problems as the demo supervisor and sends the problem lists,
writes that quarter's bulletin (docx, xlsx, and pdf when LibreOffice is installed), prints
the demo logins (supervisor, unit operator, reader), and serves the web app with the farm
still running, so a unit's re-check reaches the fixable site (dm6) once it is fixed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govwatch.cli.base import EXIT_OK, CommandError, database_ready, port_arg, setup_django
from govwatch.engine.fetch.types import FetchConfig

if TYPE_CHECKING:
    from govwatch.web.inspections.models import Inspection
    from govwatch.web.registry.models import Account, Site, Unit

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "demo" / "registry"
# The national rules with a one-day availability window the demo's own probes can fill.
DEMO_PROFILE = DEMO_REGISTRY.parent / "profile-demo.yaml"
ORDER = ("units.csv", "sites.csv", "columns.csv", "accounts.csv")
STEPS = 8
# The demo's logins: role, login name, how the summary names it, where it works.
DEMO_LOGINS = (
    ("supervisor", "demo_jianguan", "监管人员（{unit}）", "/supervise/"),
    ("unit_operator", "demo_danwei", "单位填报人员（{unit}）", "/portal/"),
    ("reader", "demo_lingdao", "领导（只读，{unit}）", "/supervise/"),
)
CONFIRM_REASON = "演示：监管人员确认"
FIXABLE_SITE = "dm6"  # the farm site whose defect a POST to the farm fixes (demo/farm/sites.py)


def step(number: int, text: str) -> None:
    print(f"[{number}/{STEPS}] {text}")


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


@dataclass(frozen=True)
class DemoLogin:
    label: str
    username: str
    password: str | None  # None: changed since the demo made it, so not shown
    path: str
    unit: Unit


def demo_password(username: str) -> str:
    """The demo login's password: derived from this data folder's secret key, so every run
    on the folder shows the same one and another folder gets others; never stored."""
    import base64
    import hashlib
    import hmac

    from django.conf import settings

    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"govwatch demo login {username}".encode(), hashlib.sha256).digest()
    return "Demo-" + base64.urlsafe_b64encode(digest[:9]).decode("ascii")


def demo_logins(region: Unit, unit: Unit) -> list[DemoLogin]:
    """The supervisor and reader of REGION and the operator of UNIT, with their roles.
    Made once per data folder; a later run leaves them (and any change to them) alone."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from govwatch.web.users.models import Membership

    users = get_user_model()
    logins = []
    for role, username, label, path in DEMO_LOGINS:
        where = unit if role == "unit_operator" else region
        password = demo_password(username)
        user, created = users.objects.get_or_create(username=username)
        if created:
            try:
                validate_password(password, user)
            except ValidationError as exc:  # the derived password is 17 random characters
                raise CommandError(f"演示账号 {username} 的密码不合要求：{exc.messages}") from exc
            user.set_password(password)
            user.save(update_fields=["password"])
        membership, _ = Membership.objects.get_or_create(
            user=user, defaults={"role": role, "unit": where}
        )
        shown = password if user.check_password(password) else None
        unit_now = membership.unit or where
        logins.append(DemoLogin(label.format(unit=unit_now.name), username, shown, path, unit_now))
    return logins


@dataclass(frozen=True)
class Sent:
    confirmed: int  # confirmed by this run
    carried: int  # already confirmed (a decision carried over from an earlier inspection)
    lists: list[Any]  # the ProblemLists this run sent
    items: int  # items on them
    before: int  # confirmed problems already on a list of the period (not sent again)


def problem_lists_demo(
    inspection: Inspection, supervisor: Any, sites: list[Site], accounts: list[Account]
) -> Sent:
    """Confirm the demo's problems (the farm's sites and the demo accounts) as the demo
    supervisor and send them to the responsible units. problem_lists_send skips a problem
    already on a list of the period (an earlier run of the demo): it is counted in BEFORE."""
    from django.db.models import Q

    from govwatch.web.inspections.models import InspectionFinding
    from govwatch.web.inspections.services import finding_decide
    from govwatch.web.tickets.models import ProblemItem
    from govwatch.web.tickets.services import SENT_SEVERITIES, problem_lists_send

    findings = InspectionFinding.objects.filter(
        Q(result__site__in=sites) | Q(result__account__in=accounts),
        result__inspection=inspection,
        severity__in=SENT_SEVERITIES,
    ).select_related("result")
    confirmed = 0
    for finding in findings.filter(state="open").order_by("pk"):
        finding_decide(finding, "confirmed", CONFIRM_REASON, supervisor)
        confirmed += 1
    ready = list(findings.filter(state="confirmed").order_by("pk"))
    lists = problem_lists_send(inspection, user=supervisor, findings=ready)
    items = ProblemItem.objects.filter(problem_list__in=lists, finding__in=ready).count()
    return Sent(confirmed, len(ready) - confirmed, lists, items, len(ready) - items)


def _recheck_reaches_the_farm(host_map: Sequence[tuple[str, str]]) -> None:
    """While the demo serves, the farm keeps running and its names resolve to it, so the
    re-check of a unit's submission scans the farm like the demo's own scan did."""
    from django.conf import settings

    settings.GOVWATCH_ALLOW_HOSTS = [*settings.GOVWATCH_ALLOW_HOSTS, "127.0.0.0/8"]
    settings.GOVWATCH_RESOLVE = [*settings.GOVWATCH_RESOLVE, *(f"{h}={t}" for h, t in host_map)]


def run(args: argparse.Namespace) -> int:
    setup_django()
    import sys

    from django.conf import settings

    from demo.farm import FarmServer, build_farm
    from demo.farm.feeds import ACCOUNTS, quarter_end
    from demo.farm_registry import FARM_UNIT, site_code, write_farm_registry
    from govwatch.cli.serve import serve
    from govwatch.engine.clock import BEIJING
    from govwatch.engine.labels import VERDICT_ZH
    from govwatch.engine.periods import quarter_label
    from govwatch.web.inspections.selectors import inspection_pass_rate_text
    from govwatch.web.inspections.services import inspection_run
    from govwatch.web.newmedia.services import posts_fetch
    from govwatch.web.registry.models import Account, Site, Unit
    from govwatch.web.reports.services import bulletin_write
    from govwatch.web.scans.services import sites_scan

    database_ready()
    step(1, "数据库已就绪")
    print(f"      {demo_admin()}")
    missing = [name for name in ORDER if not (DEMO_REGISTRY / name).is_file()]
    if missing:
        raise CommandError(f"演示登记数据缺失：{', '.join(missing)}（应在 {DEMO_REGISTRY}）")
    step(2, "导入演示登记数据（由五份通报整理）")
    for name in ORDER:
        _import(DEMO_REGISTRY / name)
    farm = build_farm(7)
    # The farm runs until the demo ends: while the web app is served, a unit's re-check
    # scans it (and finds the fixable site fixed once someone POSTs the fix).
    with FarmServer(farm) as server:
        count = len(farm.sites)
        step(
            3,
            f"演示站群已在 127.0.0.1:{server.port} 启动"
            f"（{count} 个网站、{len(ACCOUNTS)} 个新媒体账号订阅源，含预置问题）",
        )
        with tempfile.TemporaryDirectory() as folder:
            for path in write_farm_registry(farm.sites, Path(folder)):
                _import(path)
        codes = [site_code(s["code"]) for s in farm.sites]
        sites = Site.objects.filter(site_code__in=codes).order_by("site_code")
        step(4, f"扫描演示站群（监测日期 {farm.scan_date}）")

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
        step(
            5,
            f"采集新媒体订阅源（{point}）：{fetched.accounts} 个账号，成功 {fetched.ok}，"
            f"失败 {fetched.failed}，新增发文 {fetched.new}",
        )
        day = farm.scan_date
        quarter = quarter_label(day)
        inspection = inspection_run(
            quarter, profile_name=str(DEMO_PROFILE), created_by="govwatch demo"
        )
        step(6, f"检查 {quarter}：网站合格率 {inspection_pass_rate_text(inspection)}")
        results = inspection.results.select_related("site", "account")
        for result in results.order_by("site__site_code", "account__name"):
            if result.site and result.site.site_code in codes:
                print(f"      {VERDICT_ZH[result.verdict]}  {result.site.name}  {result.reason}")
        for result in results.filter(account__in=accounts).order_by("account__name"):
            print(f"      {VERDICT_ZH[result.verdict]}  {result.account.name}  {result.reason}")

        fixable = sites.get(site_code=site_code(FIXABLE_SITE))
        region = Unit.objects.get(name=FARM_UNIT)
        logins = demo_logins(region, fixable.operating_unit)
        supervisor = _user(logins[0].username)
        step(7, f"确认问题并下发问题清单（演示监管人员 {supervisor.get_username()}）")
        sent = problem_lists_demo(inspection, supervisor, list(sites), list(accounts))
        carried = f"；{sent.carried} 个沿用此前的认定" if sent.carried else ""
        print(f"      确认问题 {sent.confirmed} 个（理由“{CONFIRM_REASON}”）{carried}")
        if sent.lists:
            deadline = sent.lists[0].deadline
            print(
                f"      已下发问题清单 {len(sent.lists)} 份、问题 {sent.items} 条"
                f"（整改期限 {deadline:%Y年%-m月%-d日}）"
            )
            for problem_list in sorted(sent.lists, key=lambda p: p.unit.name):
                print(f"      {problem_list.unit.name}：{problem_list.items.count()} 条")
        else:
            print("      已下发问题清单 0 份、问题 0 条")
        if sent.before:
            print(f"      另有 {sent.before} 条已在本检查期此前下发的问题清单中，不重复下发")

        # The demo answers the office's once-only questions itself (GOVWATCH_BULLETIN_* in a
        # real install): issuer, 文号 and contact line.
        files = bulletin_write(
            inspection,
            args.out,
            issuer="示范省人民政府办公厅",
            doc_number=f"示政办函〔{dt.date.today().year}〕1号",
            contact="（联系人：王晓明，联系电话：0000-1234567）",
        )
        step(8, f"通报已生成：{files.docx}")
        print(f"      附件表：{files.xlsx}")
        print(f"      PDF：{files.pdf}" if files.pdf else f"      PDF：{files.pdf_message}")
        for note in files.notes:
            print(f"      提示：{note}", file=sys.stderr)

        host = args.host or settings.GOVWATCH_SERVE_HOST
        port = args.port or settings.GOVWATCH_SERVE_PORT
        print("      演示账号（密码由本数据目录的密钥生成，重复运行不变）：")
        for login in logins:
            password = f"密码 {login.password}" if login.password else "密码已修改（不再显示）"
            print(
                f"      {login.label}：登录名 {login.username} {password}"
                f"（http://{host}:{port}{login.path}）"
            )
        if args.no_serve:
            return EXIT_OK
        _recheck_reaches_the_farm(server.host_map())
        print(
            f"      演示整改：{fixable.name}网站底部缺少ICP备案号；执行 "
            f"curl -X POST {server.fix_url(FIXABLE_SITE)} 即完成整改，"
            "单位填报人员提交整改后自动复查通过（演示站群随网页运行）"
        )
        print(f"      检查结果与问题：http://{host}:{port}/supervise/（管理后台：/admin/）")
        serve(args.host, args.port)
    return EXIT_OK


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
