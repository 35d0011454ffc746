"""导出Excel on every table of the drill pages (unit, site, account, a finding's history):
the link on the page drops the page numbers, the sheet has every row of the table (not one
page of it), a Chinese header, a frozen header row and an autofilter, dates as dates, a
file named after the object, and the same scope as the page (a 404 outside it)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Column
from govwatch.web.scans.models import ProbeDay, ScanFinding, ScanRun
from govwatch.web.workspace.views.drill_rows import PER_PAGE
from tests.web.workspace.conftest import World
from tests.web.workspace.test_drill import (
    _account,
    _account_rows,
    _grow,
    _run,
    _site_a1,
    _site_world,
)
from tests.web.workspace.test_exports import _rows, _sheet, _table_shape

# More rows than one page of the drill tables holds.
MANY = PER_PAGE + 5


def _href(html: str, table: str) -> str:
    found = re.search(rf'class="export-link" id="export-{table}" href="([^"]+)"', html)
    assert found is not None, f"no export link for {table}"
    return unescape(found.group(1))


def _export(
    client: Client,
    url: str,
    table: str,
    header: tuple[str, ...],
    count: int,
    *,
    name: str,
    shown: str = "",
) -> list[tuple[Any, ...]]:
    """Open the page (at SHOWN's pages), follow its export link for TABLE and check the
    sheet: the header, COUNT rows, the table's shape and the file named NAME."""
    href = _href(client.get(url + shown).content.decode(), table)
    # Only the export's own parameters: any page number of the page is dropped.
    assert set(parse_qs(href.lstrip("?"))) == {"format", "table"}, href
    response = client.get(url + href)
    assert quote(f"{name}.xlsx", safe="") in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet.title == name[:31]
    rows = _rows(sheet)
    assert rows[0] == header, table
    assert len(rows) - 1 == count, (table, len(rows) - 1, count)
    _table_shape(sheet, rows)
    return rows


def _scoped(world: World, url: str, tables: list[str]) -> None:
    """City B's supervisor and the unit's own operator get a 404 for every export; a table
    the page does not have shows the page."""
    for name in ("outsider", "op1"):
        client = world.client(name)
        for table in tables:
            response = client.get(url, {"format": "xlsx", "table": table})
            assert response.status_code == 404, (name, table)
    page = world.client("sup").get(url, {"format": "xlsx", "table": "nonsense"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert world.client("sup").get(url, {"format": "xlsx"})["Content-Type"].startswith("text/html")


# --- Unit ------------------------------------------------------------------------------------

FINDING_HEADER = (
    "检查期", "对象类型", "对象", "网站标识码／平台", "指标代码", "指标", "问题描述", "问题位置",
    "性质", "状态",
)  # fmt: skip


def test_unit_tables_export_every_row(world: World, sent: dict[str, Any]) -> None:
    _grow(world, MANY)
    client = world.client("sup")
    url = reverse("work-unit", args=[world.unit_a1.pk])
    context = client.get(url).context
    counts = {
        table: context[key].paginator.count
        for table, key in (
            ("children", "children"),
            ("sites", "sites"),
            ("accounts", "accounts"),
            ("problems", "problems"),
            ("lists", "lists"),
        )
    }
    assert counts["sites"] == MANY + 1 and counts["children"] == MANY
    assert counts["accounts"] == MANY and counts["problems"] == MANY + 1
    assert counts["lists"] == 1
    assert context["sites"].paginator.num_pages == 2
    shown = "?upage=2&spage=2&apage=2&fpage=2&lpage=1"

    children = _export(
        client, url, "children", ("单位", "类型", "网站", "新媒体", "下级单位"),
        counts["children"], name="甲市教育局-下级单位", shown=shown,
    )  # fmt: skip
    assert all(row[0].startswith("甲市教育局下属") for row in children[1:])
    assert children[1][1:] == ("部门", 0, 0, 0)

    sites = _export(
        client, url, "sites", ("网站", "网站标识码", "运行状态", "2024Q2结论", "2024Q2得分"),
        counts["sites"], name="甲市教育局-网站", shown=shown,
    )  # fmt: skip
    by_code = {row[1]: row for row in sites[1:]}
    assert by_code["1101000001"][0] == "甲市教育局网站"
    assert by_code["1101000001"][3] in ("不合格", "合格", "无法判定")
    assert all(row[3] == "合格" for code, row in by_code.items() if code != "1101000001")
    assert "1101000002" not in by_code  # A2's site: another unit

    accounts = _export(
        client, url, "accounts", ("账号", "平台", "运行状态", "2024Q2结论", "2024Q2得分"),
        counts["accounts"], name="甲市教育局-政务新媒体", shown=shown,
    )  # fmt: skip
    assert {row[1] for row in accounts[1:]} == {"新浪微博"}
    assert {row[3] for row in accounts[1:]} == {"不合格"}

    problems = _export(
        client, url, "problems", FINDING_HEADER, counts["problems"],
        name="甲市教育局-未解决问题", shown=shown,
    )  # fmt: skip
    messages = [row[6] for row in problems[1:]]
    assert "首页存在不可用链接" in messages and "卫健委网站存在不可用链接" not in messages
    assert "仅提示，不算问题" not in messages

    lists = _export(
        client, url, "lists",
        ("检查期", "下发时间", "整改期限", "剩余工作日", "签收时间", "条目", "已办结", "已逾期"),
        counts["lists"], name="甲市教育局-问题清单", shown=shown,
    )  # fmt: skip
    period, sent_at, deadline, _left, received, total, closed, overdue = lists[1]
    problem_list = sent["lists"]["a1"]
    assert (period, total, closed, overdue, received) == ("2024Q2", 1, 0, 0, None)
    # Dates as dates (Excel reads a date without a time back as midnight).
    assert isinstance(sent_at, dt.datetime)
    assert deadline == dt.datetime.combine(problem_list.deadline, dt.time())
    _scoped(world, url, list(counts))


def test_city_children_export_keeps_to_the_scope(world: World) -> None:
    url = reverse("work-unit", args=[world.city_a.pk])
    rows = _export(
        world.client("sup"), url, "children", ("单位", "类型", "网站", "新媒体", "下级单位"),
        2, name="甲市人民政府-下级单位",
    )  # fmt: skip
    assert rows[1:] == [("甲市卫生健康委员会", "部门", 1, 0, 0), ("甲市教育局", "部门", 1, 0, 0)]
    # City B's supervisor exports its own city, never A's.
    own = world.client("outsider").get(
        reverse("work-unit", args=[world.city_b.pk]), {"format": "xlsx", "table": "sites"}
    )
    assert [row[0] for row in _rows(_sheet(own))[1:]] == ["乙市人民政府网站"]


# --- Site ------------------------------------------------------------------------------------


def test_site_tables_export_every_row(world: World) -> None:
    site, _ = _site_world(world)
    _grow(world, MANY)  # MANY more columns and scan findings of the newest full scan
    for i in range(MANY):  # and freshness scans: more scans than a page
        _run(site, dt.date(2024, 3, 1) + dt.timedelta(days=i), f"f{i}", kind="freshness")
    ProbeDay.objects.create(
        site=site, day=timezone.localdate() - dt.timedelta(days=3), count=20, failed=5
    )
    client = world.client("sup")
    url = reverse("work-site", args=[site.pk])
    context = client.get(url).context
    assert context["columns"].paginator.num_pages == 2
    shown = "?cpage=2&rpage=2&ipage=1&fpage=1&xpage=2"

    columns = _export(
        client, url, "columns",
        ("栏目", "网址", "类型", "最近扫描", "最新信息日期", "信息条数", "无日期条数", "更新情况",
         "更新要求", "抓取错误"),
        context["columns"].paginator.count, name="甲市教育局网站-栏目", shown=shown,
    )  # fmt: skip
    assert len(columns) - 1 == Column.objects.filter(site=site).count() == MANY + 2
    news = next(row for row in columns[1:] if row[0] == "工作动态")
    # Its newest snapshot, judged as the page judges it; the dates are dates.
    assert news[3] == dt.datetime(2024, 6, 20) and news[4] == dt.datetime(2024, 5, 1)
    assert news[5] == 7 and news[7] == "超期未更新" and "14天" in news[8]

    scans = _export(
        client, url, "scans",
        ("扫描日期", "完成时间", "类型", "首页", "首页错误", "首页最新信息", "统计", "问题"),
        context["scans"].paginator.count, name="甲市教育局网站-扫描记录", shown=shown,
    )  # fmt: skip
    assert len(scans) - 1 == ScanRun.objects.filter(site=site).count() == MANY + 3
    assert {row[2] for row in scans[1:]} == {"全站扫描", "更新巡检"}
    assert any("抓取页面 12" in (row[6] or "") for row in scans[1:])
    assert scans[1][0] == dt.datetime(2024, 6, 20)  # newest first, as the page
    assert scans[1][7] == MANY  # the problems of the grown scan

    latest = context["latest_full"]
    scan_findings = _export(
        client, url, "scan-findings", ("指标代码", "指标", "问题描述", "问题位置", "性质"),
        context["scan_findings"].paginator.count, name="甲市教育局网站-2024年6月20日全站扫描问题",
        shown=shown,
    )  # fmt: skip
    assert len(scan_findings) - 1 == ScanFinding.objects.filter(run=latest).count() == MANY

    results = _export(
        client, url, "results",
        ("检查期", "开始日期", "结束日期", "结论", "得分", "结论说明", "有监测数据"),
        context["results"].paginator.count, name="甲市教育局网站-检查结果", shown=shown,
    )  # fmt: skip
    assert results[1][:3] == ("2024Q2", dt.datetime(2024, 4, 1), dt.datetime(2024, 6, 30))

    findings = _export(
        client, url, "findings", FINDING_HEADER, context["findings"].paginator.count,
        name="甲市教育局网站-当前问题", shown=shown,
    )  # fmt: skip
    assert [row[6] for row in findings[1:]] == ["首页存在不可用链接"]
    assert findings[1][1:5] == ("网站", "甲市教育局网站", "1101000001", "LNK001")

    availability = _export(
        client, url, "availability", ("日期", "探测次数", "失败次数", "失败比例"),
        len(context["availability"]["days"]), name="甲市教育局网站-可用性", shown=shown,
    )  # fmt: skip
    assert availability[1][1:] == (20, 5, "25.00%")
    _scoped(world, url, ["columns", "scans", "scan-findings", "results", "findings"])


# --- Account ---------------------------------------------------------------------------------


def test_account_tables_export_every_row(world: World) -> None:
    account = _account(world.unit_a1, "甲市教育发布")
    now = timezone.now()
    for _ in range(MANY):
        _account_rows(account, now)
    FetchAttempt.objects.create(
        account=account, at=now + dt.timedelta(minutes=1), ok=False, error="timeout",
        http_status=504, detail="读取超时",
    )  # fmt: skip
    client = world.client("sup")
    url = reverse("work-account", args=[account.pk])
    context = client.get(url).context
    assert len(context["recent"]) == 10 and context["results"].paginator.num_pages == 2
    shown = "?ipage=2&fpage=1"

    posts = _export(
        client, url, "posts", ("发布时间", "标题", "链接", "原创", "内容问题"),
        Post.objects.filter(account=account).count(), name="甲市教育发布-发文", shown=shown,
    )  # fmt: skip
    assert len(posts) - 1 == MANY  # every post, not the page's newest ten
    assert posts[1][1] == "第0条" and isinstance(posts[1][0], dt.datetime)
    assert posts[1][3] is None and posts[1][4] == 1

    fetches = _export(
        client, url, "fetches",
        ("采集时间", "结果", "读到发文", "新增发文", "错误代码", "HTTP状态码", "详情"),
        FetchAttempt.objects.filter(account=account).count(), name="甲市教育发布-采集记录",
        shown=shown,
    )  # fmt: skip
    assert len(fetches) - 1 == MANY + 1
    assert fetches[1][1:] == ("失败", 0, 0, "timeout", 504, "读取超时")

    results = _export(
        client, url, "results",
        ("检查期", "开始日期", "结束日期", "结论", "得分", "结论说明", "有监测数据"),
        context["results"].paginator.count, name="甲市教育发布-检查结果", shown=shown,
    )  # fmt: skip
    assert len(results) - 1 == MANY and {row[3] for row in results[1:]} == {"不合格"}

    findings = _export(
        client, url, "findings", FINDING_HEADER, context["findings"].paginator.count,
        name="甲市教育发布-当前问题", shown=shown,
    )  # fmt: skip
    # Only the latest result's problems still count.
    assert len(findings) == 2 and findings[1][1:5] == (
        "政务新媒体",
        "甲市教育发布",
        "新浪微博",
        "NMA001",
    )
    _scoped(world, url, ["posts", "fetches", "results", "findings"])


# --- A finding's history ---------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["work-finding", "work-scan-finding"])
def test_finding_history_exports_every_event(world: World, viewer: str) -> None:
    site = _site_a1(world)
    current = world.findings["a1"]
    scan_findings = []
    for i in range(55):  # more than a page of the history (50)
        run = _run(site, dt.date(2024, 1, 1) + dt.timedelta(days=i), f"h{i}")
        scan_findings.append(
            ScanFinding.objects.create(
                run=run, code=current.code, slug="x", severity="deduction",
                target_kind="link", target_id=current.target_id, message="扫描发现",
                fingerprint=current.fingerprint,
            )
        )  # fmt: skip
    pk = current.pk if viewer == "work-finding" else scan_findings[-1].pk
    url = reverse(viewer, args=[pk])
    client = world.client("sup")
    history = client.get(url).context["history"]
    assert history.paginator.count == 56 and history.paginator.num_pages == 2
    rows = _export(
        client, url, "history", ("时间", "类别", "内容", "操作人"), 56,
        name="甲市教育局网站-LNK001问题历史", shown="?hpage=2",
    )  # fmt: skip
    assert [row[1] for row in rows[1:]].count("扫描") == 55
    assert [row[1] for row in rows[1:]].count("检查") == 1
    times = [row[0] for row in rows[1:]]
    assert all(isinstance(t, dt.datetime) for t in times) and times == sorted(times, reverse=True)
    _scoped(world, url, ["history"])
