"""The overview (总览): figures of a region and its children, this period against the last,
the failing list, the wall display and its JSON, the refresh; all inside the scope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govwatch.web.dashboard.models import UnitActivity
from govwatch.web.dashboard.services import dashboard_refresh
from govwatch.web.inspections.models import Inspection, InspectionResult
from govwatch.web.newmedia.models import Post
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.scans.models import ColumnSnapshot, LinkProblem, Probe, ScanFinding, ScanRun
from tests.web.workspace.conftest import World


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found is not None, element_id
    return found.group(1).strip()


@pytest.fixture
def figures(world: World) -> dict[str, Any]:
    """City A: its education bureau's site passes this quarter and last, the health
    commission's fails this quarter after passing last; probes, a crawl and posts."""
    now = timezone.now()
    today = timezone.localdate(now)
    site_a1 = Site.objects.get(site_code="1101000001")
    site_a2 = Site.objects.get(site_code="1101000002")
    InspectionResult.objects.filter(inspection=world.inspection, site=site_a1).update(
        verdict="qualified", score=96
    )
    InspectionResult.objects.filter(inspection=world.inspection, site=site_a2).update(
        score=52, reason="首页存在不可用链接"
    )
    before = Inspection.objects.create(
        period="2024Q1",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        profile="cn-national-2019",
    )
    # Created first, so the current inspection stays the newest.
    Inspection.objects.filter(pk=before.pk).update(
        created_at=world.inspection.created_at - dt.timedelta(days=90)
    )
    for site in (site_a1, site_a2):
        InspectionResult.objects.create(inspection=before, site=site, verdict="qualified")
    for minutes in range(10):
        Probe.objects.create(
            site=site_a1,
            at=now - dt.timedelta(minutes=30 * minutes),
            ok=minutes != 3,
            elapsed=0.1,
        )
    scan = ScanRun.objects.create(
        site=site_a1,
        scan_id="s1",
        scan_date=today,
        profile="cn-national-2019",
        started_at=now,
        finished_at=now,
    )
    LinkProblem.objects.create(
        run=scan, url="http://127.0.0.1:9/x", outcome="broken", page_url="/", on_home=True
    )
    ScanFinding.objects.create(
        run=scan, code="UPD005", slug="column-not-updated", severity="deduction",
        target_kind="column", target_id="c1", message="栏目未按时更新",
    )  # fmt: skip
    ColumnSnapshot.objects.create(
        run=scan,
        name="工作动态",
        url="http://127.0.0.1:9/news/",
        kind="news",
        items=[
            ["今天", "http://127.0.0.1:9/1", today.isoformat()],
            ["五天前", "http://127.0.0.1:9/2", (today - dt.timedelta(days=5)).isoformat()],
            ["二十天前", "http://127.0.0.1:9/3", (today - dt.timedelta(days=20)).isoformat()],
            ["又列一次", "http://127.0.0.1:9/1", today.isoformat()],
            ["半年前", "http://127.0.0.1:9/4", (today - dt.timedelta(days=180)).isoformat()],
        ],
    )
    account = Account.objects.create(
        platform="wechat", name="甲市卫健", opening_unit=world.unit_a2, status="running"
    )
    for days in (0, 10):
        Post.objects.create(
            account=account,
            published_at=now - dt.timedelta(days=days, hours=1),
            title=f"发文{days}",
            source_kind="feed",
            dedupe_key=f"k{days}",
        )
    dashboard_refresh()
    return {"before": before, "account": account}


def test_supervisor_overview_of_its_city(world: World, figures: dict[str, Any]) -> None:
    html = world.client("sup").get("/supervise/").content.decode()
    assert _text(html, "node-name") == "甲市人民政府"
    assert _text(html, "kpi-sites") == "2"
    assert _text(html, "kpi-site-rate") == "50.00%"  # a1 passes, a2 fails
    assert "上期 100.00%" in html and "↓50.00" in html  # both passed in 2024Q1
    assert _text(html, "kpi-unqualified") == "1"
    assert _text(html, "kpi-availability") == "90.00%"  # 9 of 10 probes answered
    # Items within 1/7/14/30 days, an item listed twice counted once; posts likewise.
    updates = re.search(r'id="updates".*?</table>', html, re.S)
    assert updates is not None
    cells = re.findall(r'<td class="num">(\d+)</td>', updates.group(0))
    assert cells == ["1", "2", "2", "3", "1", "1", "2", "2"]
    children = re.search(r'id="children".*?</table>', html, re.S)
    assert children is not None
    assert "甲市教育局" in children.group(0) and "甲市卫生健康委员会" in children.group(0)
    assert "乙市" not in html  # city B is not this supervisor's
    failing = re.search(r'id="failing-table".*?</table>', html, re.S)
    assert failing is not None
    assert "甲市卫生健康委员会网站" in failing.group(0) and "首页存在不可用链接" in failing.group(0)
    assert "甲市教育局网站" not in failing.group(0)


def test_the_previous_period_is_chosen_by_date(world: World, figures: dict[str, Any]) -> None:
    """Looking at 2024Q1 shows its own figures, and it has no earlier period."""
    url = f"/supervise/?inspection={figures['before'].pk}"
    html = world.client("sup").get(url).content.decode()
    assert _text(html, "kpi-site-rate") == "100.00%"
    assert "无上期" in html
    assert "本检查期没有不合格的网站和账号" in html


def test_region_pages_are_scoped(world: World, figures: dict[str, Any]) -> None:
    sup, outsider = world.client("sup"), world.client("outsider")
    assert sup.get(f"/supervise/regions/{world.unit_a2.pk}/").status_code == 200
    assert sup.get(f"/supervise/regions/{world.city_b.pk}/").status_code == 404
    assert outsider.get(f"/supervise/regions/{world.city_a.pk}/").status_code == 404
    html = outsider.get("/supervise/").content.decode()
    assert "甲市" not in html and _text(html, "node-name") == "乙市人民政府"
    for name in ("op1", "norole"):
        assert world.client(name).get("/supervise/").status_code in (302, 404)
        assert world.client(name).get("/supervise/wall/?format=json").status_code == 404


def test_administrator_sees_every_region(world: World, figures: dict[str, Any]) -> None:
    admin = get_user_model().objects.create_superuser("root", "", "x-pass-123456")
    client = Client()
    client.force_login(admin)
    html = client.get("/supervise/").content.decode()
    assert _text(html, "node-name") == "全部地区"
    assert 'class="region-link"' in html and "甲市人民政府" in html and "乙市人民政府" in html
    assert _text(html, "kpi-sites") == "3"


def test_wall_json_and_page(world: World, figures: dict[str, Any]) -> None:
    client = world.client("reader")
    data = client.get("/supervise/wall/?format=json").json()
    assert data["title"] == "甲市人民政府" and data["period"] == "2024Q2"
    assert data["kpi"]["site_pass_rate"] == "50.00%" and data["kpi"]["sites"] == 2
    assert [row["period"] for row in data["trend"]] == ["2024Q1", "2024Q2"]
    assert data["trend"][0]["sites"] == 100.0 and data["trend"][1]["sites"] == 50.0
    page = client.get("/supervise/wall/").content.decode()
    assert 'src="/static/workspace/wall.js"' in page and 'id="dashboard-data"' in page


def test_refresh_is_for_deciders_and_recomputes(world: World, figures: dict[str, Any]) -> None:
    assert world.client("reader").post("/supervise/dashboard/refresh/").status_code == 403
    site = Site.objects.get(site_code="1101000002")
    Probe.objects.create(site=site, at=timezone.now(), ok=False, elapsed=1.0)
    response = world.client("sup").post(
        "/supervise/dashboard/refresh/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/supervise/"  # only a path of this site is followed
    assert UnitActivity.objects.get(unit=world.unit_a2).probes_failed == 1
    html = world.client("sup").get("/supervise/").content.decode()
    assert _text(html, "kpi-availability") == "81.82%"  # 9 of 11


def test_first_overview_computes_figures_itself(world: World) -> None:
    assert not UnitActivity.objects.exists()
    html = world.client("sup").get("/supervise/").content.decode()
    assert UnitActivity.objects.exists() and _text(html, "kpi-sites") == "2"


def test_queries_do_not_grow_with_children(world: World, figures: dict[str, Any]) -> None:
    def count() -> int:
        client = world.client("sup")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/supervise/").status_code == 200
        return len(queries)

    few = count()
    for n in range(30):
        unit = Unit.objects.create(
            name=f"甲市第{n}局", parent=world.city_a, level="prefecture", kind="department"
        )
        Site.objects.create(
            site_code=f"11020{n:05d}",
            name=f"甲市第{n}局网站",
            home_url=f"http://127.0.0.1:9/{n}/",
            kind="department_website",
            operating_unit=unit,
            status="running",
        )
    dashboard_refresh()
    assert count() <= few + 1


def test_exports_in_scope(world: World, figures: dict[str, Any]) -> None:
    import io

    from openpyxl import load_workbook

    client = world.client("sup")
    response = client.get("/supervise/?format=xlsx&table=children")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "类型", "网站")
    assert sorted(r[0] for r in rows[1:]) == ["甲市卫生健康委员会", "甲市教育局"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    response = client.get("/supervise/?format=xlsx&table=failing")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [r[0] for r in rows[1:]] == ["甲市卫生健康委员会网站"]  # not city B's


def test_a_new_inspection_is_counted_on_first_view(world: World, figures: dict[str, Any]) -> None:
    later = Inspection.objects.create(
        period="2024Q3",
        period_start=dt.date(2024, 7, 1),
        period_end=dt.date(2024, 9, 30),
        profile="cn-national-2019",
    )
    for site in Site.objects.filter(site_code__startswith="1101"):
        InspectionResult.objects.create(inspection=later, site=site, verdict="unqualified")
    html = world.client("sup").get("/supervise/").content.decode()
    assert "2024Q3" in html and _text(html, "kpi-site-rate") == "0.00%"
    assert "上期 50.00%" in html  # 2024Q2, the newest earlier period


def test_unit_operator_sees_its_own_figures(world: World, figures: dict[str, Any]) -> None:
    html = world.client("op2").get("/portal/").content.decode()
    assert _text(html, "own-sites") == "1"  # 甲市卫生健康委员会网站 only
    assert _text(html, "own-site-rate") == "0.00%" and _text(html, "own-unqualified") == "1"
    failing = re.search(r'id="own-failing".*?</table>', html, re.S)
    assert failing is not None and "甲市卫生健康委员会网站" in failing.group(0)
    assert "甲市教育局" not in html and "乙市" not in html  # nobody else's figures
    assert "/supervise/" not in html  # no link into the supervisors' side
    html = world.client("op1").get("/portal/").content.decode()
    assert _text(html, "own-site-rate") == "100.00%"


def test_a_decision_shows_on_the_overview_at_once(world: World, figures: dict[str, Any]) -> None:
    """Dismissing the health commission's only problem takes its site off the unqualified
    (this small world stored no crawl for it, so it is judged 无法判定): the overview counts
    that inspection's verdicts again on the decision, not at the next refresh."""
    client = world.client("sup")
    assert _text(client.get("/supervise/").content.decode(), "kpi-site-rate") == "50.00%"
    finding = world.findings["a2"]
    client.post(
        f"/supervise/findings/{finding.pk}/decide/",
        {"action": "dismissed", "reason": "误报：链接可以打开"},
    )
    finding.result.refresh_from_db()
    assert finding.result.verdict != "unqualified"
    html = client.get("/supervise/").content.decode()
    assert _text(html, "kpi-site-rate") == "100.00%" and _text(html, "kpi-unqualified") == "0"
