"""Reprint task results per target, and the admin pages of the app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from govwatch.web.newmedia.models import FetchAttempt, Post, ReprintTask
from govwatch.web.newmedia.services import reprint_results
from govwatch.web.registry.models import Account, Site
from govwatch.web.scans.models import ColumnSnapshot, ScanRun
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

TITLE = "关于做好2024年春节期间安全生产工作的通知"


def _post(account: Account, title: str, when: dt.datetime, url: str) -> Post:
    return Post.objects.create(
        account=account, published_at=when, title=title, url=url, source_kind="export",
        dedupe_key=url,
    )  # fmt: skip


@pytest.fixture
def task() -> ReprintTask:
    on_time = H.account("开封发布")
    late = H.account("开封交警", "sina_weibo")
    missing = H.account("开封文旅", "douyin")
    _post(on_time, f"转载：{TITLE}", H.beijing(2024, 2, 5, 23, 59), "https://a/1")
    _post(late, f"【转发】{TITLE}_开封市人民政府网", H.beijing(2024, 2, 8, 0, 1), "https://b/1")
    # A different item with a similar title is not a reprint.
    _post(missing, f"{TITLE}的补充通知", H.beijing(2024, 2, 5), "https://c/1")
    site = Site.objects.create(
        site_code="4102000001", name="开封市人民政府", home_url="https://www.kaifeng.gov.cn/",
        kind="gov_portal", operating_unit=H.unit(), status="running",
    )  # fmt: skip
    item = ReprintTask.objects.create(
        title=TITLE,
        source_url="https://www.gov.cn/zhengce/1.htm",
        published_on=dt.date(2024, 2, 4),
        deadline=dt.date(2024, 2, 5),
    )
    item.accounts.set([on_time, late, missing])
    item.sites.set([site])
    return item


def test_each_target_is_on_time_late_missing_or_unchecked(task: ReprintTask) -> None:
    rows = {(r.kind, r.name): r for r in reprint_results(task)}
    assert rows[("account", "开封发布")].status == "on_time"
    late = rows[("account", "开封交警")]
    assert (late.status, late.days_late, late.found_on) == ("late", 3, dt.date(2024, 2, 8))
    assert rows[("account", "开封文旅")].status_zh == "未转载"
    # No crawled page titles yet: a site is unchecked, never 未转载.
    assert rows[("site", "开封市人民政府")].status == "unchecked"
    assert {r.unit for r in rows.values()} == {"开封市人民政府办公室"}


def _site(code: str, name: str) -> Site:
    return Site.objects.create(
        site_code=code, name=name, home_url=f"https://{code}.gov.cn/", kind="department",
        operating_unit=H.unit(), status="running",
    )  # fmt: skip


def _scan(site: Site, day: dt.date, items: list[list[str | None]]) -> None:
    moment = H.beijing(day.year, day.month, day.day, 2)
    run = ScanRun.objects.create(
        site=site, scan_id=f"s{day:%m%d}", scan_date=day, profile="cn-national-2019",
        started_at=moment, finished_at=moment,
    )  # fmt: skip
    ColumnSnapshot.objects.create(
        run=run, name="重要转载", url=f"{site.home_url}zyzz/", kind="news", items=items
    )


def test_sites_are_judged_from_the_items_their_columns_listed(task: ReprintTask) -> None:
    on_time, late, undated = (
        _site("4102000011", "甲"),
        _site("4102000012", "乙"),
        _site("4102000013", "丙"),
    )
    similar, before, nothing = (
        _site("4102000014", "丁"),
        _site("4102000015", "戊"),
        _site("4102000016", "己"),
    )
    url = "https://x.gov.cn/a.html"
    _scan(
        on_time,
        dt.date(2024, 2, 6),
        [[f"【转载】{TITLE}", url, "2024-02-05"], ["别的", url, "2024-02-06"]],
    )
    _scan(late, dt.date(2024, 2, 9), [[f"转发：{TITLE}（来源：中国政府网）", url, "2024-02-07"]])
    # No date on the list: it counts from the first scan that listed it.
    _scan(undated, dt.date(2024, 2, 6), [[TITLE, url, None]])
    _scan(undated, dt.date(2024, 2, 9), [[TITLE, url, None]])
    _scan(similar, dt.date(2024, 2, 9), [[f"{TITLE}的补充通知", url, "2024-02-05"]])
    _scan(before, dt.date(2024, 2, 1), [[TITLE, url, "2024-01-30"]])  # only before the item
    _scan(nothing, dt.date(2024, 2, 9), [])  # scanned, its columns listed nothing
    task.sites.add(on_time, late, undated, similar, before, nothing)
    rows = {r.name: r for r in reprint_results(task) if r.kind == "site"}
    assert (rows["甲"].status, rows["甲"].found_on) == ("on_time", dt.date(2024, 2, 5))
    assert (rows["乙"].status, rows["乙"].days_late) == ("late", 2)
    assert (rows["丙"].status, rows["丙"].found_on, rows["丙"].days_late) == (
        "late", dt.date(2024, 2, 6), 1,
    )  # fmt: skip
    assert rows["丁"].status_zh == "未转载"
    assert rows["戊"].status == "unchecked" and rows["开封市人民政府"].status == "unchecked"
    assert rows["己"].status == "missing"


def test_admin_pages(admin_client: Client, task: ReprintTask) -> None:
    account = Account.objects.get(name="开封交警")
    FetchAttempt.objects.create(
        account=account, at=H.beijing(2024, 2, 20, 8), ok=False, error="timeout"
    )
    FetchAttempt.objects.create(
        account=account, at=H.beijing(2024, 2, 21, 8), ok=False, error="http_status",
        http_status=503,
    )  # fmt: skip
    page = admin_client.get("/admin/newmedia/fetchattempt/").content.decode()
    assert "自 2024-02-20 08:00 起采集失败，已连续失败 2 次" in page
    change = admin_client.get(f"/admin/newmedia/reprinttask/{task.pk}/change/").content.decode()
    assert "逾期转载，逾期 3 天" in change and "未核查" in change
    posts = admin_client.get("/admin/newmedia/post/?q=补充通知").content.decode()
    assert "的补充通知" in posts and "开封市人民政府网" not in posts
    assert admin_client.get("/admin/newmedia/pushtoken/add/").status_code == 403
    added = admin_client.post(
        "/admin/newmedia/reprinttask/add/",
        {"title": "新任务", "published_on": "2024-03-01", "deadline": "2024-03-03"},
    )
    assert added.status_code == 302
    assert ReprintTask.objects.get(title="新任务").created_by is not None
    # An operator records what the platform shows after looking at it by hand.
    sighting = admin_client.post(
        "/admin/newmedia/accountsighting/add/",
        {
            "account": account.pk,
            "at_0": "2024-03-01",
            "at_1": "10:00:00",
            "source_kind": "manual",
            "name": "开封交警",
            "owner": "开封市公安局交通警察支队",
        },
    )
    assert sighting.status_code == 302, sighting.content.decode()[:2000]
    listed = admin_client.get("/admin/newmedia/accountsighting/").content.decode()
    assert "开封市公安局交通警察支队" in listed and "人工录入" in listed
