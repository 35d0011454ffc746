"""posts_fetch against a real feed server on 127.0.0.1: stored once, every attempt recorded,
failing sources unknown (never 不合格)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.fetch import FetchConfig
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile
from govwatch.engine.profiles.scoring import score_account
from govwatch.web.newmedia.models import FetchAttempt, Post
from govwatch.web.newmedia.selectors import source_health
from govwatch.web.newmedia.services import account_observations, posts_fetch
from govwatch.web.registry.models import Account
from tests.engine.newmedia.feedserver import FeedServer
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

FIRST = H.beijing(2024, 2, 25, 18)
CONFIG = FetchConfig(allow_hosts=("127.0.0.0/8",), total_timeout=1.0, retries=0)
FEEDS = {
    # name: (platform, route)
    "开封发布": ("wechat_official_account", "/rss.xml"),
    "尉氏交警": ("sina_weibo", "/atom.xml"),
    "开封头条": ("toutiao", "/feed.json"),
    "开封服务": ("wechat_service_account", "/error"),
    "开封慢号": ("sina_weibo", "/slow"),
    "开封坏号": ("douyin", "/malformed"),
}
FAILING = {"开封服务", "开封慢号", "开封坏号"}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=3.0) as running:
        yield running


@pytest.fixture
def accounts(server: FeedServer) -> dict[str, Account]:
    made = {
        name: H.account(name, platform, ingestion_source="feed", feed_url=f"{server.base}{route}")
        for name, (platform, route) in FEEDS.items()
    }
    # Not a feed account: posts_fetch() without arguments must leave it alone.
    H.account("导出账号", ingestion_source="export_file")
    return made


def test_fetch_stores_posts_once_and_records_every_attempt(accounts: dict[str, Account]) -> None:
    report = posts_fetch(now=FIRST, fetch=CONFIG)
    assert (report.accounts, report.ok, report.failed) == (6, 3, 3)
    # RSS: 2 of 3 items (one has no date); Atom: 2; JSON Feed: 2.
    assert report.new == 6 and report.rejected == 1
    assert Post.objects.count() == 6
    assert {p.source_kind for p in Post.objects.all()} == {"feed"}
    by_account = {a.name: a.posts.count() for a in accounts.values()}
    assert by_account == {
        "开封发布": 2, "尉氏交警": 2, "开封头条": 2, "开封服务": 0, "开封慢号": 0, "开封坏号": 0,
    }  # fmt: skip
    errors = {a.account.name: (a.ok, a.error, a.http_status) for a in FetchAttempt.objects.all()}
    assert errors["开封服务"] == (False, "http_status", 500)
    assert errors["开封慢号"][:2] == (False, "timeout")
    assert errors["开封坏号"][:2] == (False, "malformed")
    assert errors["开封发布"] == (True, "", 200)

    again = posts_fetch(now=FIRST + dt.timedelta(hours=1), fetch=CONFIG)
    assert again.new == 0 and again.duplicate == 6
    assert Post.objects.count() == 6
    assert FetchAttempt.objects.count() == 12
    health = source_health([accounts["开封服务"].pk])[accounts["开封服务"].pk]
    assert health.consecutive_failures == 2 and health.failing_since == FIRST
    assert health.describe_zh().startswith("自 2024-02-25 18:00 起采集失败，已连续失败 2 次")


def test_failing_sources_are_unknown_and_not_unqualified(accounts: dict[str, Account]) -> None:
    posts_fetch(now=FIRST, fetch=CONFIG)
    point = H.beijing(2024, 2, 25, 23)
    observed = dict(account_observations(point, dt.date(2024, 2, 1)))
    profile = load_profile("kaifeng-2024")
    ctx = CheckContext(monitoring_point=point, period_start=dt.date(2024, 2, 1))
    for name, account in accounts.items():
        observation = observed[account]
        findings = run_checks(profile, observation, ctx)
        verdict = score_account(findings, profile, account_id=str(account.pk))
        if name in FAILING:
            assert observation.posts is None, name
            assert {f.severity for f in findings} <= {"info"}, name
            assert verdict.verdict != "unqualified", name
        else:
            assert observation.posts is not None and len(observation.posts) == 2, name
    # The export account has no posts at all: known and empty, so it is judged 未更新.
    export = next(a for a in observed if a.name == "导出账号")
    assert observed[export].posts == ()


def test_a_later_success_makes_the_account_known_again(
    accounts: dict[str, Account], server: FeedServer
) -> None:
    posts_fetch([accounts["开封服务"]], now=FIRST, fetch=CONFIG)
    target = accounts["开封服务"]
    point = FIRST + dt.timedelta(hours=3)
    assert dict(account_observations(point, accounts=[target]))[target].posts is None
    target.feed_url = f"{server.base}/rss.xml"
    target.save()
    posts_fetch([target], now=FIRST + dt.timedelta(hours=2), fetch=CONFIG)
    posts = dict(account_observations(point, accounts=[target]))[target].posts
    assert posts is not None and len(posts) == 2
    # Judged as of the first attempt, the account was still unknown.
    early = FIRST + dt.timedelta(minutes=30)
    assert dict(account_observations(early, accounts=[target]))[target].posts is None
