"""The drill pages: unit → site or account → finding → evidence, linked both ways, scoped
(404 outside), hostile evidence escaped, the hit marked, the history in order, and a
number of queries that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from govwatch.web.inspections.models import (
    FindingDecision,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from govwatch.web.inspections.services import finding_decide
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)
from govwatch.web.workspace.templatetags.workspace_tags import (
    evidence_excerpt,
    evidence_rows,
    scan_stats_zh,
)
from tests.web.workspace.conftest import World, make_finding

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FP = "f" * 32


# --- A small drill world on top of the workspace's ---------------------------------------


def _account(unit: Unit, name: str) -> Account:
    return Account.objects.create(
        platform="sina_weibo", name=name, opening_unit=unit, status="running"
    )


def _run(site: Site, day: dt.date, scan_id: str, **extra: Any) -> ScanRun:
    finished = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return ScanRun.objects.create(
        site=site,
        scan_id=scan_id,
        scan_date=day,
        profile="cn-national-2019",
        started_at=finished - dt.timedelta(minutes=5),
        finished_at=finished,
        home_fetched=True,
        home_newest_date=day,
        **extra,
    )


def _site_a1(world: World) -> Site:
    return Site.objects.get(site_code="1101000001")


def _txt_finding(result: InspectionResult, evidence: dict[str, Any], fingerprint: str = "") -> Any:
    url = f"{result.site.home_url}news/1.html"
    finding = make_finding(
        result,
        "TXT001",
        "veto",
        "严重表述错误：「新疆自治区」，应为「新疆维吾尔自治区」",
        target_kind="page_text",
        target_id=url,
        evidence={"rule": "TXT001", "text": "新疆自治区", "url": url, **evidence},
    )
    if fingerprint:
        finding.fingerprint = fingerprint
        finding.save()
    return finding


def _hostile_evidence() -> dict[str, Any]:
    return {
        "suggestion": "新疆维吾尔自治区",
        "excerpt": {"before": f"前文{HOSTILE}推介会在", "after": "乌鲁木齐举行</p>"},
    }


# --- Scope ---------------------------------------------------------------------------------


def _pages(world: World) -> dict[str, str]:
    site = _site_a1(world)
    account = _account(world.unit_a1, "甲市教育发布")
    run = _run(site, dt.date(2024, 6, 20), "s1")
    scan_finding = ScanFinding.objects.create(
        run=run,
        code="LNK001",
        slug="x",
        severity="deduction",
        target_kind="link",
        target_id="http://127.0.0.1:9/x",
        message="首页链接不可用",
        fingerprint=FP,
    )
    return {
        "unit": reverse("work-unit", args=[world.unit_a1.pk]),
        "site": reverse("work-site", args=[site.pk]),
        "account": reverse("work-account", args=[account.pk]),
        "finding": reverse("work-finding", args=[world.findings["a1"].pk]),
        "scan-finding": reverse("work-scan-finding", args=[scan_finding.pk]),
    }


def test_pages_open_in_scope_and_are_404_outside(world: World) -> None:
    pages = _pages(world)
    for name in ("sup", "reader"):
        client = world.client(name)
        for label, url in pages.items():
            assert client.get(url).status_code == 200, (name, label)
    # City B's supervisor, the unit's own operator (supervisor side) and a login without a
    # role see nothing; a visitor is sent to log in.
    for name in ("outsider", "op1", "op2", "norole"):
        client = world.client(name)
        for label, url in pages.items():
            assert client.get(url).status_code == 404, (name, label)
    from django.test import Client

    for url in pages.values():
        assert Client().get(url)["Location"].startswith("/login/")
    missing = reverse("work-unit", args=[987654])
    assert world.client("sup").get(missing).status_code == 404


def test_outsider_drills_its_own_city(world: World) -> None:
    client = world.client("outsider")
    html = client.get(reverse("work-unit", args=[world.city_b.pk])).content.decode()
    assert "乙市人民政府网站" in html and "甲市" not in html.split("</header>", 1)[1]
    assert client.get(reverse("work-finding", args=[world.findings["b"].pk])).status_code == 200
    # City A's units are out of its scope, however they are reached.
    assert client.get(reverse("work-unit", args=[world.city_a.pk])).status_code == 404


# --- Unit ---------------------------------------------------------------------------------


def test_unit_page_links_up_and_down(world: World, sent: dict[str, Any]) -> None:
    site = _site_a1(world)
    account = _account(world.unit_a1, "甲市教育发布")
    InspectionResult.objects.create(
        inspection=world.inspection, account=account, verdict="qualified", score=92.5
    )
    city = world.client("sup").get(reverse("work-unit", args=[world.city_a.pk])).content.decode()
    # Down to both departments; never to city B. Up: the city is the region itself.
    assert f'href="{reverse("work-unit", args=[world.unit_a1.pk])}"' in city
    assert f'href="{reverse("work-unit", args=[world.unit_a2.pk])}"' in city
    assert reverse("work-unit", args=[world.city_b.pk]) not in city
    assert f'href="{reverse("work-region", args=[world.city_a.pk])}"' in city
    # Each child with its own counts: one site, one account, no units below.
    a1_row = re.search(r"甲市教育局</a></td>.*?</tr>", city, re.S)
    assert a1_row is not None
    assert re.findall(r'class="num">(\d+)<', a1_row.group(0)) == ["1", "1", "0"]

    html = world.client("sup").get(reverse("work-unit", args=[world.unit_a1.pk])).content.decode()
    assert f'href="{reverse("work-region", args=[world.city_a.pk])}"' in html
    assert f'href="{reverse("work-unit", args=[world.city_a.pk])}" class="up-unit"' in html
    assert f'href="{reverse("work-site", args=[site.pk])}"' in html
    assert f'href="{reverse("work-account", args=[account.pk])}"' in html
    # The period's verdicts (the site's as re-judged when its finding was confirmed), and
    # the account's with its score.
    verdict = InspectionResult.objects.get(inspection=world.inspection, site=site)
    sites = html.split('id="sites"', 1)[1].split("</section>", 1)[0]
    assert "<th>2024Q2</th>" in sites
    assert f'verdict-{verdict.verdict}">{verdict.get_verdict_display()}<' in sites
    accounts = html.split('id="accounts"', 1)[1].split("</section>", 1)[0]
    assert "合格" in accounts and "92.5分" in accounts
    # Its open (here: confirmed) problem links to the evidence viewer; the other unit's not.
    problems = html.split('id="problems"', 1)[1].split("</section>", 1)[0]
    assert reverse("work-finding", args=[world.findings["a1"].pk]) in problems
    assert "卫健委网站存在不可用链接" not in problems
    assert "仅提示，不算问题" not in problems  # info is no problem
    # The problem list sent to it, linked.
    assert f'href="{reverse("work-list", args=[sent["lists"]["a1"].pk])}"' in html
    assert reverse("work-list", args=[sent["lists"]["a2"].pk]) not in html


def test_unit_page_shows_the_latest_result_of_a_rerun_period(world: World) -> None:
    site = _site_a1(world)
    rerun = Inspection.objects.create(
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )
    InspectionResult.objects.create(inspection=rerun, site=site, verdict="qualified", score=88)
    html = world.client("sup").get(reverse("work-unit", args=[world.unit_a1.pk])).content.decode()
    sites = html.split('id="sites"', 1)[1].split("</section>", 1)[0]
    assert sites.count("<th>2024Q2</th>") == 1
    assert "verdict-qualified" in sites and "verdict-unqualified" not in sites
    # The unit's open problems are those of the latest result: the re-run found none.
    assert re.search(r'id="open-problems">0<', html)


# --- Site ---------------------------------------------------------------------------------


def _site_world(world: World) -> tuple[Site, ScanRun]:
    site = _site_a1(world)
    news = Column.objects.create(
        site=site, name="工作动态", url=f"{site.home_url}news/", kind="news"
    )
    notice = Column.objects.create(
        site=site, name="通知公告", url=f"{site.home_url}notice/", kind="notice_policy"
    )
    old = _run(site, dt.date(2024, 5, 1), "s0")
    ColumnSnapshot.objects.create(
        run=old,
        column=news,
        name="工作动态",
        url=news.url,
        kind="news",
        registered=True,
        item_count=3,
        newest_date=dt.date(2024, 4, 30),
    )
    run = _run(
        site,
        dt.date(2024, 6, 20),
        "s1",
        stats={
            "pages_fetched": 12,
            "requests": 30,
            "links_checked": 80,
            "elapsed": 3.46,
            "trap_skipped": 0,
        },
    )
    ColumnSnapshot.objects.create(
        run=run,
        column=news,
        name="工作动态",
        url=news.url,
        kind="news",
        registered=True,
        item_count=7,
        newest_date=dt.date(2024, 5, 1),
        items=[
            ["教育工作会议召开", f"{site.home_url}news/7.html", "2024-05-01"],
            [HOSTILE, "javascript:alert(1)", None],
        ],
    )
    ColumnSnapshot.objects.create(
        run=run,
        column=notice,
        name="通知公告",
        url=notice.url,
        kind="notice_policy",
        registered=True,
        item_count=4,
        newest_date=dt.date(2024, 6, 1),
    )
    return site, run


def test_site_page_facts_columns_scans_results_availability(world: World) -> None:
    site = _site_world(world)[0]
    now = timezone.now()
    Probe.objects.create(site=site, at=now - dt.timedelta(hours=1), ok=True, elapsed=0.2)
    Probe.objects.create(
        site=site, at=now - dt.timedelta(hours=2), ok=False, elapsed=15, outcome="timeout"
    )
    ProbeDay.objects.create(
        site=site, day=timezone.localdate() - dt.timedelta(days=10), count=20, failed=2
    )
    ProbeDay.objects.create(  # outside the 30 days: not counted
        site=site, day=timezone.localdate() - dt.timedelta(days=60), count=20, failed=20
    )
    html = world.client("sup").get(reverse("work-site", args=[site.pk])).content.decode()
    assert site.site_code in html and f'href="{site.home_url}" rel="noopener"' in html
    assert f'href="{reverse("work-unit", args=[world.unit_a1.pk])}"' in html
    assert f'href="{reverse("work-region", args=[world.city_a.pk])}"' in html
    columns = html.split('id="columns"', 1)[1].split("</section>", 1)[0]
    news_row = re.search(r"工作动态</a></td>.*?</tr>", columns, re.S)
    assert news_row is not None
    # The newest snapshot (7 items, newest 1 May), stale at the 20 June scan (14 days).
    assert "2024年5月1日" in news_row.group(0) and ">7<" in news_row.group(0)
    assert "超期未更新" in news_row.group(0) and "14天" in news_row.group(0)
    notice_row = re.search(r"通知公告</a></td>.*?</tr>", columns, re.S)
    assert notice_row is not None and "正常更新" in notice_row.group(0)
    # The scan's statistics in words, not JSON; zero counts left out.
    scans = html.split('id="scans"', 1)[1].split("</section>", 1)[0]
    assert "抓取页面 12" in scans and "检查链接 80" in scans and "耗时 3.5 秒" in scans
    assert "pages_fetched" not in html and "跳过重复陷阱链接" not in scans
    # Results per period, linked up to the inspection; the current finding down.
    results = html.split('id="results"', 1)[1].split("</section>", 1)[0]
    assert reverse("work-inspection", args=[world.inspection.pk]) in results
    assert reverse("work-finding", args=[world.findings["a1"].pk]) in html
    # 2 raw probes (1 failed) and one rolled-up day of 20 (2 failed): 3 of 22.
    availability = html.split('id="availability"', 1)[1].split("</section>", 1)[0]
    assert "探测 <strong>22</strong> 次" in availability
    assert 'id="fail-ratio">13.64%<' in availability


def test_site_page_lists_the_latest_scan_findings(world: World) -> None:
    site, run = _site_world(world)
    found = ScanFinding.objects.create(
        run=run,
        code="UPD005",
        slug="x",
        severity="deduction",
        target_kind="column",
        target_id=f"{site.home_url}news/",
        message="栏目工作动态超过14天未更新",
        evidence={"column": "工作动态"},
    )
    html = world.client("sup").get(reverse("work-site", args=[site.pk])).content.decode()
    assert f'href="{reverse("work-scan-finding", args=[found.pk])}"' in html

    # The scan finding's viewer shows the column's stored list and links back up.
    viewer = world.client("sup").get(reverse("work-scan-finding", args=[found.pk]))
    page = viewer.content.decode()
    assert "教育工作会议召开" in page and "栏目快照" in page
    # A hostile list item is text, its address no link.
    assert "<script>" not in page and "&lt;script&gt;" in page and "javascript:" not in page
    assert "无日期" in page
    assert f'href="{reverse("work-site", args=[site.pk])}"' in page


# --- Account ------------------------------------------------------------------------------


def test_account_page_counts_posts_and_links(world: World) -> None:
    account = _account(world.unit_a1, "甲市教育发布")
    now = timezone.now()
    for n, hours in enumerate((12, 3 * 24, 10 * 24, 20 * 24, 40 * 24)):
        Post.objects.create(
            account=account,
            published_at=now - dt.timedelta(hours=hours),
            title=f"第{n}条",
            url=f"https://weibo.example.cn/{n}",
            source_kind="feed",
            dedupe_key=f"k{n}",
        )
    FetchAttempt.objects.create(
        account=account, at=now, ok=False, error="http_status", http_status=503
    )
    result = InspectionResult.objects.create(
        inspection=world.inspection, account=account, verdict="unqualified"
    )
    finding = InspectionFinding.objects.create(
        result=result,
        code="NMA001",
        slug="x",
        severity="veto",
        target_kind="account",
        target_id=account.name,
        message="监测时间点前两周内无更新",
        fingerprint=FP,
    )
    html = world.client("sup").get(reverse("work-account", args=[account.pk])).content.decode()
    counts = {int(d): int(n) for d, n in re.findall(r'class="posts-(\d+)">(\d+)<', html)}
    assert counts == {1: 1, 7: 2, 14: 3, 30: 4}
    last = timezone.localtime(now - dt.timedelta(hours=12))
    assert f"{last.year}年{last.month}月{last.day}日" in html.split('id="last-post"', 1)[1][:80]
    assert "HTTP 503" in html
    assert f'href="{reverse("work-finding", args=[finding.pk])}"' in html
    assert f'href="{reverse("work-unit", args=[world.unit_a1.pk])}"' in html
    # The finding's page links back to the account.
    viewer = world.client("sup").get(reverse("work-finding", args=[finding.pk])).content.decode()
    assert f'href="{reverse("work-account", args=[account.pk])}"' in viewer


# --- The evidence viewer -------------------------------------------------------------------


def test_hostile_evidence_is_escaped_and_the_hit_marked(world: World) -> None:
    result = world.findings["a1"].result
    finding = _txt_finding(result, _hostile_evidence(), fingerprint=FP)
    finding.evidence["page_url"] = "javascript:alert(1)"
    finding.save()
    response = world.client("sup").get(reverse("work-finding", args=[finding.pk]))
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert re.search(r"推介会在<mark>新疆自治区</mark>乌鲁木齐举行&lt;/p&gt;", html)
    assert 'href="javascript:' not in html  # only web addresses become links
    # The rule with its official source and the profile that applies it.
    rule = html.split('id="rule"', 1)[1].split("</section>", 1)[0]
    assert "严重表述错误" in rule and "单项否决" in rule
    assert re.search(r'id="rule-source">国办秘函〔2019〕19号<', rule)
    assert "一、单项否决指标 1「安全、泄密事故等严重问题」(一)" in rule
    assert 'id="rule-requirement">出现严重表述错误 ⇒ 单项否决<' in rule
    # The excerpt is drawn once, not again among the evidence rows.
    assert html.count("<mark>") == 1
    # The target and the link it was found at, opened without handing over the window.
    assert f'href="{finding.target_id}" rel="noopener noreferrer"' in html
    assert "2024年6月30日" in html  # no scan behind it: the period's end
    assert f'href="{reverse("work-site", args=[result.site.pk])}"' in html
    assert f"#finding-{finding.pk}" in html  # to decide it on the inspection page


def test_old_rows_show_the_context_the_scan_stored(world: World) -> None:
    site = _site_a1(world)
    url = f"{site.home_url}news/1.html"
    run = _run(
        site,
        dt.date(2024, 6, 20),
        "s1",
        text_hits=[
            {
                "code": "TXT001",
                "text": "新疆自治区",
                "context": f"会在{HOSTILE}新疆自治区乌鲁木齐",
                "url": url,
            },
        ],
    )
    result = world.findings["a1"].result
    result.scan = run
    result.save()
    finding = _txt_finding(result, {})  # an old row: no excerpt in its evidence
    html = world.client("sup").get(reverse("work-finding", args=[finding.pk])).content.decode()
    assert "取自扫描保存的内容检查结果" in html
    assert "<mark>新疆自治区</mark>乌鲁木齐" in html and "<script>" not in html
    assert "2024年6月20日" in html  # found on the scan's day


def test_link_finding_shows_the_stored_link(world: World) -> None:
    site = _site_a1(world)
    run = _run(site, dt.date(2024, 6, 20), "s1")
    finding = world.findings["a1"]
    LinkProblem.objects.create(
        run=run,
        url=finding.target_id,
        outcome="broken",
        status=404,
        reason="页面不存在",
        page_url=site.home_url,
        anchor_text=HOSTILE,
        on_home=True,
    )
    finding.result.scan = run
    finding.result.save()
    html = world.client("sup").get(reverse("work-finding", args=[finding.pk])).content.decode()
    link = html.split('id="stored-link"', 1)[1].split("</dl>", 1)[0]
    assert "HTTP 404" in link and "首页" in link and "&lt;script&gt;" in link
    assert "<script>" not in html


def test_history_is_one_table_newest_first(world: World, sent: dict[str, Any]) -> None:
    site = _site_a1(world)
    current = world.findings["a1"]  # confirmed and sent by the `sent` fixture
    earlier = Inspection.objects.create(
        period="2024Q1",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        profile="cn-national-2019",
    )
    Inspection.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - dt.timedelta(days=90)
    )
    old_result = InspectionResult.objects.create(
        inspection=earlier, site=site, verdict="unqualified"
    )
    old = InspectionFinding.objects.create(
        result=old_result,
        code=current.code,
        slug="x",
        severity="deduction",
        target_kind="link",
        target_id=current.target_id,
        message="旧的同一问题",
        fingerprint=current.fingerprint,
    )
    finding_decide(old, "dismissed", "当时链接临时维护", world.users["sup"])
    FindingDecision.objects.filter(fingerprint=current.fingerprint, period="2024Q1").update(
        decided_at=timezone.now() - dt.timedelta(days=80)
    )
    for n, days in enumerate((85, 30)):
        run = _run(site, timezone.localdate() - dt.timedelta(days=days), f"h{n}")
        ScanFinding.objects.create(
            run=run,
            code=current.code,
            slug="x",
            severity="deduction",
            target_kind="link",
            target_id=current.target_id,
            message="扫描发现",
            fingerprint=current.fingerprint,
        )
    # Another problem of the same site: not in this history.
    other = _run(site, timezone.localdate(), "other")
    ScanFinding.objects.create(
        run=other,
        code="LNK002",
        slug="x",
        severity="deduction",
        target_kind="link",
        target_id="http://127.0.0.1:9/other",
        message="别的问题",
        fingerprint="e" * 32,
    )

    # The list went out after the decisions (the fixture does both within a millisecond).
    sent["lists"]["a1"].__class__.objects.filter(pk=sent["lists"]["a1"].pk).update(
        sent_at=timezone.now() + dt.timedelta(minutes=1)
    )
    response = world.client("sup").get(reverse("work-finding", args=[current.pk]))
    events = list(response.context["history"])
    times = [e.at for e in events]
    assert times == sorted(times, reverse=True)
    kinds = [e.kind for e in events]
    assert kinds.count("检查") == 2 and kinds.count("扫描") == 2
    assert kinds.count("认定") == 2 and kinds.count("审核") == 2 and kinds.count("下发") == 1
    assert [e.current for e in events].count(True) == 1
    html = response.content.decode()
    table = html.split('id="history-table"', 1)[1].split("</table>", 1)[0]
    assert "别的问题" not in table and "当时链接临时维护" in table
    assert reverse("work-finding", args=[old.pk]) in table
    assert reverse("work-item", args=[sent["items"]["a1"].pk]) in table
    # The first row is the newest step (sending the list), the last the 2024Q1 inspection.
    rows = re.findall(r'data-kind="([^"]+)"', table)
    assert rows[0] == "下发" and rows[-1] == "检查"

    # The old finding's page shows the same history, itself marked.
    again = world.client("sup").get(reverse("work-finding", args=[old.pk]))
    assert [e.at for e in again.context["history"]] == times


def test_history_keeps_to_the_scope(world: World) -> None:
    # City B's finding shares the fingerprint by construction: it never shows in A's history.
    world.findings["b"].fingerprint = world.findings["a1"].fingerprint
    world.findings["b"].save()
    response = world.client("sup").get(reverse("work-finding", args=[world.findings["a1"].pk]))
    assert all("乙市" not in e.text for e in response.context["history"])
    assert len(response.context["history"]) == 1


# --- The item pages and the inspection page --------------------------------------------------


def test_portal_item_shows_the_marked_excerpt(world: World) -> None:
    from govwatch.web.tickets.services import problem_lists_send

    finding = _txt_finding(world.findings["a1"].result, _hostile_evidence(), fingerprint=FP)
    finding_decide(finding, "confirmed", "确认", world.users["sup"])
    problem_lists_send(world.inspection, user=world.users["sup"], findings=[finding])
    item = finding.problem_items.get()
    for client, url in (
        (world.client("op1"), reverse("portal-item", args=[item.pk])),
        (world.client("sup"), reverse("work-item", args=[item.pk])),
    ):
        html = client.get(url).content.decode()
        assert "推介会在<mark>新疆自治区</mark>乌鲁木齐举行" in html
        assert "<script>alert" not in html and "&lt;script&gt;" in html
        assert '"before"' not in html  # the excerpt is drawn, never dumped as JSON


def test_inspection_page_links_down(world: World) -> None:
    html = (
        world.client("sup")
        .get(reverse("work-inspection", args=[world.inspection.pk]))
        .content.decode()
    )
    site = _site_a1(world)
    assert f'href="{reverse("work-site", args=[site.pk])}"' in html
    assert f'href="{reverse("work-finding", args=[world.findings["a1"].pk])}"' in html


# --- Queries do not grow with the rows --------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world: World, n: int) -> None:
    """N more of everything the unit, site and finding pages list."""
    site = _site_a1(world)
    run = _run(site, dt.date(2024, 6, 20), f"g{n}")
    for i in range(n):
        child = Unit.objects.create(
            name=f"甲市教育局下属{n}-{i}", parent=world.unit_a1, level="county", kind="department"
        )
        s = Site.objects.create(
            site_code=f"31{n:02d}{i:06d}",
            name=f"下属网站{n}-{i}",
            home_url="http://127.0.0.1:9/",
            kind="department_website",
            operating_unit=world.unit_a1,
            status="running",
        )
        InspectionResult.objects.create(inspection=world.inspection, site=s, verdict="qualified")
        a = _account(world.unit_a1, f"下属账号{n}-{i}")
        r = InspectionResult.objects.create(
            inspection=world.inspection, account=a, verdict="unqualified"
        )
        InspectionFinding.objects.create(
            result=r,
            code="NMA001",
            slug="x",
            severity="veto",
            target_kind="account",
            target_id=a.name,
            message="无更新",
            fingerprint=f"g{n}{i}",
        )
        col = Column.objects.create(site=site, name=f"栏目{n}-{i}", kind="news")
        ColumnSnapshot.objects.create(
            run=run,
            column=col,
            name=col.name,
            url="http://127.0.0.1:9/c",
            kind="news",
            item_count=i,
            newest_date=dt.date(2024, 6, 1),
        )
        ScanFinding.objects.create(
            run=run,
            code="LNK001",
            slug="x",
            severity="deduction",
            target_kind="link",
            target_id=world.findings["a1"].target_id,
            message="扫描发现",
            fingerprint=world.findings["a1"].fingerprint,
        )
        Unit.objects.filter(pk=child.pk).update()


@pytest.mark.parametrize("page", ["unit", "site", "finding"])
def test_queries_do_not_grow_with_rows(world: World, page: str) -> None:
    client = world.client("sup")
    site = _site_a1(world)
    url = {
        "unit": reverse("work-unit", args=[world.unit_a1.pk]),
        "site": reverse("work-site", args=[site.pk]),
        "finding": reverse("work-finding", args=[world.findings["a1"].pk]),
    }[page]
    _grow(world, 2)
    few = _queries(client, url)
    _grow(world, 15)
    many = _queries(client, url)
    assert many == few, f"{page}: {few} queries with few rows, {many} with many"
    assert many <= 30


def test_account_page_queries_are_bounded(world: World) -> None:
    account = _account(world.unit_a1, "甲市教育发布")
    url = reverse("work-account", args=[account.pk])
    client = world.client("sup")
    now = timezone.now()

    def grow(n: int) -> None:
        for _ in range(n):
            _account_rows(account, now)

    grow(1)
    few = _queries(client, url)
    grow(29)
    assert _queries(client, url) == few


def _account_rows(account: Account, now: dt.datetime) -> None:
    """One more post, fetch attempt, period result and finding of ACCOUNT."""
    n = Post.objects.filter(account=account).count()
    Post.objects.create(
        account=account,
        published_at=now - dt.timedelta(days=n),
        title=f"第{n}条",
        source_kind="feed",
        dedupe_key=f"k{n}",
        text_hits=[{"code": "TXT005"}],
    )
    FetchAttempt.objects.create(account=account, at=now - dt.timedelta(hours=n), ok=True)
    inspection = Inspection.objects.create(
        period=f"P{n}",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 1, 2),
        profile="cn-national-2019",
    )
    result = InspectionResult.objects.create(
        inspection=inspection, account=account, verdict="unqualified"
    )
    InspectionFinding.objects.create(
        result=result,
        code="NMA001",
        slug="x",
        severity="veto",
        target_kind="account",
        target_id=account.name,
        message="无更新",
        fingerprint=FP,
    )


# --- Template helpers ----------------------------------------------------------------------


def test_official_source_reads_the_indicator_docstrings() -> None:
    from govwatch.engine.checks import registry
    from govwatch.web.workspace.views.drill_evidence import official_source

    sit001 = official_source(registry.get("SIT001").doc)
    assert sit001["documents"] == ["国办秘函〔2019〕19号"]
    assert sit001["article"] == "一、单项否决指标 2「站点无法访问」"
    # Wrapped lines joined without spaces; the English commentary after it left out.
    assert sit001["requirement"].startswith("监测1周，每天间隔一定时间访问不少于20次")
    assert sit001["requirement"].endswith("⇒ 单项否决")
    upd006 = official_source(registry.get("UPD006").doc)
    assert upd006["documents"] == ["《中华人民共和国政府信息公开条例》第二十六条"]
    assert "20个工作日内及时公开" in upd006["requirement"]
    # A source written in English leaves the requirement empty rather than half a phrase.
    nma002 = official_source(registry.get("NMA002").doc)
    assert nma002["requirement"] == "" and "开封市" in nma002["note"]
    # Every registered indicator names at least one document or keeps its note.
    for code in registry.CODES:
        source = official_source(registry.get(code).doc)
        assert source["documents"] or source["note"], code


def test_evidence_helpers() -> None:
    assert scan_stats_zh({"pages_fetched": 3, "elapsed": 0.04, "new_counter": 2}) == [
        "抓取页面 3",
        "耗时 0.0 秒",
        "new_counter 2",
    ]
    assert scan_stats_zh("not a dict") == []
    assert evidence_excerpt({"text": "错", "excerpt": {"before": 1, "after": ""}}) is None
    assert evidence_excerpt({"excerpt": {"before": "a", "after": "b"}}) is None  # no hit text
    long = evidence_excerpt({"text": "错", "excerpt": {"before": "前" * 500, "after": ""}})
    assert long is not None and len(long["before"]) == 120 and long["cut_before"]
    assert not long["cut_after"]
    # The excerpt is drawn apart, never repeated as a raw row.
    rows = evidence_rows({"text": "错", "excerpt": {"before": "a", "after": "b"}})
    assert [r["label"] for r in rows] == ["原文"]


def test_pages_keep_the_other_tables_page(world: World) -> None:
    for i in range(25):
        Site.objects.create(
            site_code=f"41{i:08d}",
            name=f"网站{i}",
            home_url="http://127.0.0.1:9/",
            kind="department_website",
            operating_unit=world.unit_a1,
            status="running",
        )
    url = reverse("work-unit", args=[world.unit_a1.pk])
    html = world.client("sup").get(url + "?fpage=1&spage=2").content.decode()
    sites = html.split('id="sites"', 1)[1].split("</section>", 1)[0]
    assert "第 2 / 2 页" in sites
    assert 'href="?fpage=1&amp;spage=1"' in sites


def test_item_page_links_to_the_evidence_and_back(world: World, sent: dict[str, Any]) -> None:
    item = sent["items"]["a1"]
    html = world.client("sup").get(reverse("work-item", args=[item.pk])).content.decode()
    assert f'href="{reverse("work-finding", args=[world.findings["a1"].pk])}"' in html
    assert f'href="{reverse("work-site", args=[_site_a1(world).pk])}"' in html
    assert f'href="{reverse("work-unit", args=[world.unit_a1.pk])}"' in html
