"""NMA007 (name / 认证主体 changed) from feeds, pushes and exports, and the content checks
on every post feeding TXT001 — through the real services, database and a feed server."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.fetch import FetchConfig
from govwatch.engine.findings import Finding
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile
from govwatch.engine.profiles.scoring import score_account
from govwatch.web.newmedia.models import AccountSighting, Post
from govwatch.web.newmedia.selectors import sightings_at
from govwatch.web.newmedia.services import (
    account_observations,
    posts_fetch,
    posts_import,
    posts_text_check,
    push_token_issue,
)
from govwatch.web.registry.models import Account, UnitAlias
from tests.engine.newmedia.feedserver import FeedServer
from tests.helpers import Cell
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

CONFIG = FetchConfig(allow_hosts=("127.0.0.0/8",), total_timeout=1.0, retries=0)
POINT = H.beijing(2024, 3, 31, 23, 59)
START = dt.date(2024, 1, 1)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=3.0) as running:
        yield running


def _findings(account: Account, code: str, point: dt.datetime = POINT) -> list[Finding]:
    ctx = CheckContext(monitoring_point=point, period_start=START)
    [(_, observation)] = account_observations(point, START, accounts=[account])
    return [
        f for f in run_checks(load_profile("cn-national-2019"), observation, ctx) if f.code == code
    ]


def test_feed_title_is_a_sighting_and_a_renamed_account_is_flagged(server: FeedServer) -> None:
    same = H.account("开封发布", ingestion_source="feed", feed_url=f"{server.base}/rss.xml")
    # Registered under its old name; the feed now calls it 尉氏交警.
    renamed = H.account(
        "尉氏交警大队", "sina_weibo", ingestion_source="feed", feed_url=f"{server.base}/atom.xml"
    )
    at = H.beijing(2024, 3, 1)
    posts_fetch([same, renamed], now=at, fetch=CONFIG)
    posts_fetch([same, renamed], now=at + dt.timedelta(days=1), fetch=CONFIG)
    # A second fetch showing the same name adds no row: the table is the naming history.
    assert AccountSighting.objects.filter(account=same).count() == 1
    assert AccountSighting.objects.get(account=renamed).name == "尉氏交警"
    assert [f.severity for f in _findings(same, "NMA007")] == []
    [finding] = _findings(renamed, "NMA007")
    assert finding.severity == "warning"
    assert finding.evidence["field"] == "name" and finding.evidence["seen"] == "尉氏交警"


def test_without_any_sighting_nma007_says_nothing() -> None:
    account = H.account("开封发布", ingestion_source="export_file")
    assert _findings(account, "NMA007") == []


def test_pushed_owner_is_compared_with_the_unit_and_its_aliases(client: Client) -> None:
    account = H.account("开封发布", ingestion_source="push")
    UnitAlias.objects.create(
        unit=account.opening_unit, alias="市政府办", scope=account.opening_unit
    )
    token = push_token_issue(account)
    post = {"post_id": "p1", "published_at": "2024-03-10T09:00:00+08:00", "title": "春耕"}

    def push(owner: str) -> None:
        body = {"posts": [post], "account_profile": {"name": "开封发布", "owner": owner}}
        response = client.post(
            f"/api/posts/push/{account.pk}/",
            json.dumps(body).encode(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content

    push("市政府办")  # an alias of the opening unit: fine
    later = timezone.now() + dt.timedelta(minutes=1)  # pushes are seen when they arrive
    assert _findings(account, "NMA007", later) == []
    push("开封某传媒有限公司")
    [finding] = _findings(account, "NMA007", timezone.now() + dt.timedelta(minutes=1))
    assert finding.evidence["field"] == "owner"
    assert "开封某传媒有限公司" in finding.message_zh
    assert AccountSighting.objects.filter(account=account).count() == 2


def test_bad_account_profile_is_refused_whole(client: Client) -> None:
    account = H.account("开封发布", ingestion_source="push")
    token = push_token_issue(account)
    body = {"posts": [], "account_profile": {"owner": 7}}
    response = client.post(
        f"/api/posts/push/{account.pk}/",
        json.dumps(body).encode(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "account_profile" in response.json()["error"]
    assert not AccountSighting.objects.exists()


def test_export_owner_column_and_id_named_rows_are_sightings(tmp_path: Path) -> None:
    account = H.account("开封发布", platform_id="gh_kf001", ingestion_source="export_file")
    headers = ["平台", "账号ID", "账号名称", "认证主体", "发布时间", "标题", "链接"]
    rows: list[list[Cell]] = [
        ["微信", "gh_kf001", "开封发布", "开封市人民政府办公室", "2024-03-01 09:00", "甲", "https://e/1"],
        ["微信", "gh_kf001", "开封城事", "开封城事文化传媒", "2024-03-05 09:00", "乙", "https://e/2"],
    ]  # fmt: skip
    path = H.write_xlsx(tmp_path / "export.xlsx", headers, rows)
    posts_import(path, dry_run=True)
    assert not AccountSighting.objects.exists()  # a dry run writes nothing at all
    posts_import(path)
    # The newest row wins: the export shows the account as it is now.
    sighting = AccountSighting.objects.get(account=account)
    assert (sighting.name, sighting.owner, sighting.source_kind) == (
        "开封城事",
        "开封城事文化传媒",
        "export",
    )
    fields = {f.evidence["field"] for f in _findings(account, "NMA007")}
    assert fields == {"name", "owner"}


def test_sighting_before_the_point_wins_else_the_first_after() -> None:
    account = H.account("开封发布")
    for day, name in ((3, "甲"), (20, "乙"), (25, "丙")):
        AccountSighting.objects.create(
            account=account, at=H.beijing(2024, 4, day), source_kind="manual", name=name
        )
    assert sightings_at([account.pk], H.beijing(2024, 4, 21))[account.pk][1] == "乙"
    assert sightings_at([account.pk], H.beijing(2024, 4, 1))[account.pk][1] == "甲"
    assert sightings_at([account.pk], H.beijing(2024, 5, 1))[account.pk][1] == "丙"


def test_every_post_is_checked_and_serious_errors_veto_the_account(tmp_path: Path) -> None:
    account = H.account("开封发布", ingestion_source="export_file")
    rows: list[list[Cell]] = [
        ["微信", "开封发布", "2024-03-02 09:00", "新疆自治区代表团来汴考察", "https://e/1", "原创"],
        ["微信", "开封发布", "2024-03-03 09:00", "弘扬中华优秀传统文化", "https://e/2", "原创"],
        # Before the period: its error is not this period's problem.
        ["微信", "开封发布", "2023-12-20 09:00", "新疆自治区文旅推介", "https://e/0", "原创"],
    ]  # fmt: skip
    for day in range(4, 31, 3):  # keep the account updated: only TXT001 should veto
        rows.append(["微信", "开封发布", f"2024-03-{day:02d} 09:00", f"工作动态{day}", "", "原创"])
    report = posts_import(H.write_xlsx(tmp_path / "e.xlsx", H.EXPORT_HEADERS, rows))
    assert report.with_text_hits == 2
    wrong = Post.objects.get(url="https://e/1")
    assert [(h["text"], h["suggestion"]) for h in wrong.text_hits] == [
        ("新疆自治区", "新疆维吾尔自治区")
    ]
    assert Post.objects.get(url="https://e/2").text_hits == []
    [finding] = _findings(account, "TXT001")
    assert finding.severity == "veto" and finding.evidence["url"] == "https://e/1"
    ctx = CheckContext(monitoring_point=POINT, period_start=START)
    [(_, observation)] = account_observations(POINT, START, accounts=[account])
    profile = load_profile("cn-national-2019")
    verdict = score_account(run_checks(profile, observation, ctx), profile, account_id="x")
    assert verdict.verdict == "unqualified" and verdict.reason_zh == "单项否决：严重表述错误"


def test_check_text_again_after_the_rules_change(tmp_path: Path) -> None:
    account = H.account("开封发布", ingestion_source="export_file")
    rows: list[list[Cell]] = [
        ["微信", "开封发布", "2024-03-02 09:00", "新疆自治区代表团来汴考察", "https://e/1", "原创"]
    ]
    posts_import(H.write_xlsx(tmp_path / "e.xlsx", H.EXPORT_HEADERS, rows))
    # As if the post had been stored before the rule existed.
    Post.objects.update(text_hits=[])
    assert _findings(account, "TXT001") == []
    report = posts_text_check()
    assert (report.checked, report.with_hits, report.changed) == (1, 1, 1)
    assert len(_findings(account, "TXT001")) == 1
    assert posts_text_check().changed == 0  # idempotent


def test_cli_check_text_prints_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govwatch.cli import main

    H.account("开封发布", ingestion_source="export_file")
    rows: list[list[Cell]] = [
        ["微信", "开封发布", "2024-03-02 09:00", "新疆自治区代表团来汴考察", "https://e/1", "原创"]
    ]
    posts_import(H.write_xlsx(tmp_path / "e.xlsx", H.EXPORT_HEADERS, rows))
    call_command("migrate", interactive=False, verbosity=0)
    assert main(["posts", "check-text", "--since", "2024-03-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"checked": 1, "with_hits": 1, "changed": 0}
