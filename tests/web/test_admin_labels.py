"""The admin speaks Chinese everywhere: every page an administrator opens (the index, each
app, each model's list, add form, change form, history and delete confirmation, the
password pages and a missing page) is read as a person reads it (its visible text and the
titles, placeholders and button labels) and any English found there fails the test:
Django's own English strings, model and field names, choice codes shown instead of their
labels, "X object (18)", raw JSON keys.

The world is real: the demo farm scanned over loopback HTTP, an inspection judged from the
scans, early warnings computed from them, the persona world's problem lists and files, and
one row entered for every other model, so every change page has a row to open.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.farm import Farm, FarmServer
from govwatch.engine.labels import ACCOUNT_PLATFORM_ZH
from govwatch.web.alerts.models import AlertDelivery, AlertRule
from govwatch.web.calendars.models import CalendarYear
from govwatch.web.inspections.models import FindingDecision, Waiver
from govwatch.web.inspections.services import inspection_run
from govwatch.web.interaction.models import CitizenMessage, ConsultationTest
from govwatch.web.monitoring.models import EarlyWarning, Lease, Schedule
from govwatch.web.monitoring.warnings import warnings_evaluate
from govwatch.web.newmedia.models import AccountSighting, FetchAttempt, Post, PushToken, ReprintTask
from govwatch.web.registry.models import Account, Site, Unit, UnitAlias
from govwatch.web.scans.models import Probe, ProbeDay, ScanRun
from govwatch.web.scans.services import sites_scan
from govwatch.web.statistics.models import (
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)
from tests.web.personas import MARKERS, build_world

pytestmark = pytest.mark.django_db

# ASCII words a Chinese administrator legitimately reads: abbreviations used as such in
# Chinese offices, and the name of the product.
ALLOWED_WORDS = frozenset(
    {"HTTP", "HTTPS", "SHA", "ICP", "PDF", "ID", "JSON", "Webhook", "SEC", "govwatch", "Excel"}
    | {"IP", "LDAP", "Control", "Command", "Mac", "bm"}
)
# The meta tags the national specification names (SiteName, ColumnName…): shown by name.
META_TAG = re.compile(r"^(?:Site|Column|Article)[A-Z][A-Za-z]+$")
# Django's English that must never show (a handful, spelled out, on top of the word check:
# these are what the tester saw).
DJANGO_ENGLISH = (
    "Choose all",
    "Remove all",
    "Page not found",
    "Select all",
    "Save and add another",
    "Recent actions",
    "Log out",
    "object (",
)
# Addresses, e-mail addresses, host names, dates and times, indicator codes, site codes,
# digests, file names and sizes: data, not words.
DATA = re.compile(
    r"(?:https?|ftp)://[^\s<>\"'，。；）]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b(?:[a-z0-9-]+\.)+(?:cn|com|net|org|gov|edu|local|test|pdf|xlsx|csv|docx|html?)\b"
    r"|\b[A-Z]{3}\d{3}\b"
    r"|\bbm\d{8}\b"
    r"|\b[0-9a-f]{16,64}\b"
    r"|\b\d{4}Q[1-4]\b"
    r"|\b\d+(?:\.\d+)?\s*(?:ms|s|KB|MB|GB)\b"
    r"|[\w\u4e00-\u9fff-]+\.(?:docx?|xlsx?|pptx?|pdf|zip|rar|wps|txt|csv)\b"
    r"|\w+\*{4,}"  # a masked secret
    r"|\b\d(?:xx|XX)\b"  # a class of HTTP status codes (5xx)
    r"|(?<![\w/])/[\w./-]+/",  # a path of this site
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]*[A-Za-z]|[A-Za-z]")
# The apps this world puts a row in for every model (a newer app's change pages are read
# when it has rows).
WORLD_APPS = frozenset(
    {"auth", "axes", "registry", "calendars", "interaction", "scans", "inspections"}
    | {"newmedia", "statistics", "monitoring", "users", "tickets", "alerts"}
)
# <code>: JSON syntax in a help text is code, not language.
SKIPPED_TAGS = frozenset({"script", "style", "textarea", "noscript", "code"})
SHOWN_ATTRIBUTES = frozenset({"title", "placeholder", "alt", "aria-label"})


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside scripts and text boxes, the attributes
    browsers show (tooltips, placeholders) and the labels of buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        values = dict(attrs)
        for name in SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def english_in(html: str, data_words: frozenset[str]) -> list[str]:
    """The English a reader would see on the page (each offending text, once)."""
    found: list[str] = []
    for part in visible_text(html):
        for phrase in DJANGO_ENGLISH:
            if phrase in part:
                found.append(f"{phrase!r} in {part[:80]!r}")
        words = [w for w in WORD.findall(DATA.sub(" ", part)) if w not in ALLOWED_WORDS]
        words = [w for w in words if not META_TAG.match(w) and not re.fullmatch("[A-Z]", w)]
        words = [w for w in words if w not in data_words and w.lower() not in data_words]
        if words:
            found.append(f"{' '.join(words)!r} in {part[:80]!r}")
    return list(dict.fromkeys(found))


# ----------------------------------------------------------------------------- the world


def _scanned_farm(farm: Farm) -> None:
    with FarmServer(farm) as server:
        sites_scan(
            Site.objects.filter(site_code__in=["9900000002", "9900000003"]),
            scan_date=farm.scan_date,
            fetch=server.fetch_config(),
            processes=1,
        )
    quarter = (farm.scan_date.month - 1) // 3 + 1
    inspection_run(f"{farm.scan_date.year}Q{quarter}", created_by="inspector")
    warnings_evaluate(farm.scan_date)


def _other_rows(admin_user: Any) -> None:
    """One row in each model the farm and the persona world leave empty."""
    now = timezone.now()
    seen = {"user_agent": "Mozilla/5.0", "ip_address": "127.0.0.1", "username": "guess"}
    seen |= {"http_accept": "text/html", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=3)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    AccessLog.objects.create(**seen, logout_time=now)
    group = Group.objects.create(name="监测值班")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="scans")[:3])
    unit = Unit.objects.get(name="安平市教育局")
    site = Site.objects.get(site_code="1300000002")
    account = Account.objects.get(name="安平教育微博")
    UnitAlias.objects.create(unit=unit, alias="市教育局", scope=unit.parent)
    AlertRule.objects.create(
        name="",
        event="overdue",
        channel="dingtalk",
        target="https://oapi.dingtalk.com/robot/send?access_token=abc",
    )
    AlertDelivery.objects.create(
        event="overdue",
        channel="email",
        recipient="op@example.com",
        subject="整改逾期提醒",
        body="请尽快整改",
        unit=unit,
        state="failed",
        last_error="连接被拒绝",
    )
    CalendarYear.objects.create(
        year=2031,
        source="国务院办公厅关于2031年部分节假日安排的通知",
        holidays=[{"name": "元旦", "date": "2031-01-01"}],
    )
    ConsultationTest.objects.create(
        test_id="ZX-2024-001",
        site=site,
        channel="网站咨询",
        question="办事指南在哪里？",
        sent_at=now - dt.timedelta(days=3),
        answered_at=now,
        answer_text="已答复",
        reply_quality="answered",
    )
    CitizenMessage.objects.create(
        message_id="XJ-001",
        box="mayor_mailbox",
        unit=unit,
        received_at=now - dt.timedelta(days=5),
        status="in_progress",
    )
    EarlyWarning.objects.create(
        day=now.date(),
        kind="home_update",
        code="UPD001",
        site=site,
        target_id=site.home_url,
        message="首页已 12 天未更新，距扣分还剩 2 天",
        days_left=2,
        evidence={"newest_date": "2024-06-01", "window_days": 14, "url": site.home_url},
    )
    Schedule.objects.create(kind="probe", site=site, interval_minutes=30, next_run_at=now)
    Lease.objects.create(key="site:1300000002", holder="worker-1:123", expires_at=now)
    Probe.objects.create(
        site=site, at=now, ok=True, status=200, elapsed=0.00046619699969596695, outcome="ok"
    )
    ProbeDay.objects.create(
        site=site, day=now.date(), count=96, failed=2, by_outcome={"timeout": 2}, p50=0.4, p95=1.5
    )
    Post.objects.create(
        account=account,
        published_at=now,
        title="教育局发布招生政策",
        url="https://weibo.com/1/2",
        post_id="P100",
        source_kind="feed",
        dedupe_key="P100",
        text_hits=[
            {
                "code": "TXT001",
                "text": "中华人民共合国",
                "suggestion": "中华人民共和国",
                "severity": "serious",
            }
        ],
    )
    FetchAttempt.objects.create(
        account=account,
        at=now,
        ok=False,
        error="http_status",
        http_status=503,
        detail="服务器返回 503",
    )
    AccountSighting.objects.create(
        account=account, at=now, source_kind="manual", name="安平教育微博", owner="安平市教育局"
    )
    PushToken.objects.create(account=account, token_digest="0" * 64)
    task = ReprintTask.objects.create(
        title="重要会议精神", published_on=now.date(), deadline=now.date(), created_by=admin_user
    )
    task.sites.add(site)
    batch = StatisticsBatch.objects.create(
        kind="letters",
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        source_name="letters.xlsx",
    )
    StatisticsRow.objects.create(
        batch=batch,
        row_number=2,
        unit=unit,
        values={"department": "安平市教育局", "letters_received": 3, "letters_replied": 2},
    )
    quota = QuotaClass.objects.create(name="A", description="重点单位", min_submissions_per_month=5)
    QuotaAssignment.objects.create(unit=unit, quota_class=quota)
    VerdictOverride.objects.create(
        unit=unit, period="2024Q2", qualified=True, reason="补报材料已核实", decided_by=admin_user
    )
    Waiver.objects.create(
        code="SIT003",
        site=site,
        reason="网站改版期间",
        approver="王主任",
        expires_on=now.date() + dt.timedelta(days=30),
    )
    FindingDecision.objects.create(
        site=site,
        code="SIT002",
        target_id=site.site_code,
        fingerprint="f" * 32,
        state="dismissed",
        reason="渠道在二级页面",
        user=admin_user,
        period="2024Q1",
    )


@pytest.fixture
def admin_world(farm: Farm, tmp_path: Path, settings: Any) -> tuple[Client, frozenset[str]]:
    """The admin's client and the ASCII words the world's own data holds (user names,
    platform ids, file types, lease holders): those may show, they are what was entered."""
    _scanned_farm(farm)
    world = build_world(tmp_path / "files")
    settings.DATA_DIR = tmp_path / "files"
    admin_user = get_user_model().objects.create_superuser("inspector", "", "pw-for-tests")
    _other_rows(admin_user)
    client = Client()
    client.force_login(admin_user)
    data: set[str] = set()
    for text in [
        *get_user_model().objects.values_list("username", flat=True),
        *Account.objects.values_list("platform_id", flat=True),
        *Account.objects.values_list("name", flat=True),
        *Lease.objects.values_list("holder", flat=True),
        *Lease.objects.values_list("key", flat=True),
        *ScanRun.objects.values_list("scan_id", flat=True),
        *Post.objects.values_list("post_id", flat=True),
        *Post.objects.values_list("title", flat=True),
        "application/pdf",
        "Mozilla/5.0 text/html guess",
        "letters.xlsx",
        "ZX-2024-001",
        "XJ-001",
        *MARKERS.values(),
        *AccessLog.objects.values_list("user_agent", flat=True),
        "md5",  # the tests' password hasher, shown on the user's page
    ]:
        data.update(WORD.findall(DATA.sub(" ", text)))
    assert world.inspection.pk
    return client, frozenset(data)


def admin_pages() -> list[str]:
    """Every admin page of every registered model, with a row to open for each."""
    urls = [reverse("admin:index"), reverse("admin:password_change"), "/admin/no-such-page/"]
    apps = sorted({model._meta.app_label for model in admin.site._registry})
    urls += [reverse("admin:app_list", args=[app]) for app in apps]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        urls.append(reverse(f"{name}_changelist") + "?q=安平")
        if model_admin.has_add_permission(_AdminRequest()):
            urls.append(reverse(f"{name}_add"))
        row = model._default_manager.order_by("pk").first()
        if row is None and opts.app_label not in WORLD_APPS:
            continue  # an app newer than this world: its lists and forms are still read
        assert row is not None, f"no {opts.verbose_name} in the world: its change page goes unread"
        urls.append(reverse(f"{name}_change", args=[row.pk]))
        urls.append(reverse(f"{name}_history", args=[row.pk]))
        if model_admin.has_delete_permission(_AdminRequest(), row):
            urls.append(reverse(f"{name}_delete", args=[row.pk]))
    user = get_user_model().objects.order_by("pk").first()
    assert user is not None
    urls.append(reverse("admin:auth_user_password_change", args=[user.pk]))
    return urls


class _AdminRequest:
    """What the admins' permission methods read of a request: a superuser."""

    class user:
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm: str, obj: object = None) -> bool:
            return True


def _english_pages(
    client: Client, data_words: frozenset[str], pages: list[str]
) -> tuple[list[str], set[str]]:
    problems: list[str] = []
    followed: set[str] = set()
    for url in pages:
        response = client.get(url)
        if response.status_code not in (200, 404):
            problems.append(f"{url}: HTTP {response.status_code}")
            continue
        body = response.content.decode()
        for english in english_in(body, data_words):
            problems.append(f"{url}: {english}")
        # The links a parent page shows instead of an inline open their (Chinese) lists.
        for link in re.findall(r'href="(/admin/[^"?]+/\?[^"]*__id__exact=[^"]+)"', body):
            link = link.replace("&amp;", "&")
            if link not in followed:
                followed.add(link)
                pages.append(link)
    return problems, followed


def test_every_admin_page_is_chinese(admin_world: tuple[Client, frozenset[str]]) -> None:
    client, data_words = admin_world
    pages = admin_pages()
    problems, followed = _english_pages(client, data_words, pages)
    assert len(pages) > 150
    assert any("run__id__exact" in link for link in followed)
    assert not problems, f"{len(problems)} English texts:\n" + "\n".join(problems)


def test_not_found_page_is_chinese(admin_world: tuple[Client, frozenset[str]]) -> None:
    client, _ = admin_world
    response = client.get("/admin/registry/site/999999/change/", follow=True)
    body = response.content.decode()
    assert "不存在" in body
    missing = client.get("/no-such-page-anywhere/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    assert "Not Found" not in missing.content.decode()


def test_the_check_sees_english() -> None:
    """The detector itself: it must flag what the tester saw, and pass Chinese."""
    assert english_in("<p>Choose all</p>", frozenset())
    assert english_in("<td>ColumnSnapshot object (18)</td>", frozenset())
    assert english_in("<td>serious-expression-error</td>", frozenset())
    assert english_in("<option>personnel_planning</option>", frozenset())
    assert english_in('<a title="Remove">×</a>', frozenset())
    assert english_in('<input type="submit" value="Save">', frozenset())
    assert english_in("<th>INSPECTION</th>", frozenset())
    assert not english_in(
        "<p>全选 http://www.example.gov.cn/a_b.html SIT001 bm41020001 0.5 毫秒</p>"
        '<script>var Choose = 1;</script><textarea>{"name": 1}</textarea>',
        frozenset(),
    )
    assert ACCOUNT_PLATFORM_ZH  # the engine's labels are what the pages should show


# What the admin's scripts write into pages (the selector boxes, the calendar, the clock).
SCRIPT_STRINGS = (
    "Choose all",
    "Remove all",
    "Available %s",
    "Chosen %s",
    "Filter",
    "Today",
    "Now",
    "Choose a Date",
    "Choose a Time",
    "Show",
    "Hide",
)


def test_admin_scripts_speak_chinese(admin_client: Client) -> None:
    """The scripts' strings come from the JavaScript catalog: each must be there, in Chinese."""
    script = admin_client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S)[1])  # type: ignore[index]
    assert catalog["Choose all"] == "全选"
    for msgid in SCRIPT_STRINGS:
        assert re.search(r"[\u4e00-\u9fff]", str(catalog.get(msgid, ""))), msgid


def test_every_code_the_engine_stores_has_a_label() -> None:
    """Codes shown in the admin without choices of their own get their words from tables
    kept next to the models; each must cover every code the engine writes."""
    from govwatch.engine.findings import TARGET_KINDS
    from govwatch.engine.registry.labels import COLUMN_KIND
    from govwatch.web.scans.models import COLUMN_KINDS, TARGET_KIND_ZH

    assert set(TARGET_KIND_ZH) == set(TARGET_KINDS)
    assert set(COLUMN_KIND) <= {code for code, _ in COLUMN_KINDS}
