"""Feeds fetched from a real server on 127.0.0.1: posts ingested, failures recorded as
values, and the accounts behind failing feeds are "unknown", never "not updated"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch import FetchConfig, Fetcher
from govwatch.engine.newmedia.adapters.base import Source, dedupe
from govwatch.engine.newmedia.adapters.feed import FeedOutcome, fetch_feed
from govwatch.engine.newmedia.health import FetchAttempt, summarize
from govwatch.engine.newmedia.observe import AccountMeta, account_observation
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile
from tests.engine.newmedia.feedserver import FeedServer

NOW = datetime(2024, 2, 25, 18, 0, tzinfo=BEIJING)

FEEDS = {
    # source_id: (path, account_id, platform)
    "rss": ("/rss.xml", "kf-fabu", "wechat"),
    "atom": ("/atom.xml", "wsjj", "weibo"),
    "json": ("/feed.json", "kf-toutiao", "toutiao"),
    "error": ("/error", "acct-500", "wechat"),
    "slow": ("/slow", "acct-slow", "weibo"),
    "malformed": ("/malformed", "acct-bad", "wechat"),
    "unsafe": ("/unsafe", "acct-unsafe", "wechat"),
}


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer(slow_seconds=3.0) as running:
        yield running


def _sources(server: FeedServer) -> list[Source]:
    return [
        Source(sid, account_id=acct, platform=plat, url=server.base + path)  # type: ignore[arg-type]
        for sid, (path, acct, plat) in FEEDS.items()
    ]


def _run(server: FeedServer) -> dict[str, FeedOutcome]:
    config = FetchConfig(
        allow_hosts=("127.0.0.1",),
        total_timeout=0.5,
        read_timeout=0.5,
        connect_timeout=0.5,
        retries=0,
    )

    async def go() -> list[FeedOutcome]:
        async with Fetcher(config) as fetcher:
            return await asyncio.gather(*(fetch_feed(fetcher, s, NOW) for s in _sources(server)))

    return {o.source_id: o for o in asyncio.run(go())}


@pytest.fixture(scope="module")
def outcomes(server: FeedServer) -> dict[str, FeedOutcome]:
    return _run(server)


def test_good_feeds_are_ingested(outcomes: dict[str, FeedOutcome]) -> None:
    rss = outcomes["rss"]
    assert rss.attempt.ok and rss.attempt.status == 200
    assert [p.title for p in rss.batch.posts] == [
        "开封市召开安全生产工作会议",
        "转载：关于做好春节期间安全生产工作的通知",
    ]
    assert rss.batch.posts[0].text == "会议要求……"
    assert rss.batch.posts[0].post_id == "wx-a1"
    # 02:00 GMT is 10:00 in Beijing, the same natural day.
    assert rss.batch.posts[1].published_at.astimezone(BEIJING).hour == 10
    assert [r.reason_zh for r in rss.batch.rejected] == ["缺少发布时间"]

    atom = outcomes["atom"].batch.posts
    assert [(p.post_id, p.url) for p in atom] == [
        ("tag:weibo,2024:1", "https://weibo.example.cn/1"),
        ("tag:weibo,2024:2", "https://weibo.example.cn/2"),
    ]
    # 21:15 UTC on the 22nd is the 23rd in Beijing.
    assert atom[1].published_at.astimezone(BEIJING).day == 23

    feed = outcomes["json"].batch.posts
    assert [p.title for p in feed] == ["元宵节活动安排", "二月农事"]
    assert feed[1].published_at == datetime(2024, 2, 25, 8, 5, tzinfo=BEIJING)
    assert feed[1].text == "农事"
    assert all(p.account_id == "kf-toutiao" and p.platform == "toutiao" for p in feed)


def test_failures_are_values_with_reasons(outcomes: dict[str, FeedOutcome]) -> None:
    error, slow = outcomes["error"].attempt, outcomes["slow"].attempt
    assert (error.ok, error.error, error.status) == (False, "http_status", 500)
    assert (slow.ok, slow.error) == (False, "timeout")
    malformed = outcomes["malformed"].attempt
    assert (malformed.ok, malformed.error, malformed.status) == (False, "malformed", 200)
    assert outcomes["unsafe"].attempt.error == "unsafe_xml"
    for sid in ("error", "slow", "malformed", "unsafe"):
        assert outcomes[sid].batch.posts == ()


def test_failing_accounts_are_unknown_not_unupdated(outcomes: dict[str, FeedOutcome]) -> None:
    profile = load_profile("kaifeng-2024")
    ctx = CheckContext(monitoring_point=NOW)
    for sid, (_path, account_id, platform) in FEEDS.items():
        outcome = outcomes[sid]
        earlier = FetchAttempt(NOW - timedelta(days=1), True, "", 200)
        health = summarize(sid, [earlier, outcome.attempt])
        meta = AccountMeta(account_id, platform, sid, has_interaction=True)  # type: ignore[arg-type]
        obs = account_observation(meta, outcome.batch.posts, health)
        findings = run_checks(profile, obs, ctx)
        if outcome.attempt.ok:
            assert health.account_state == "known"
            assert obs.posts is not None and obs.posts
        else:
            assert health.account_state == "unknown"
            assert obs.posts is None
            update_findings = [f for f in findings if f.code in {"NMA001", "NMA002"}]
            assert update_findings, sid
            assert {f.severity for f in update_findings} == {"info"}
            assert all(f.evidence["state"] == "unknown" for f in update_findings)


def test_health_says_since_when_a_source_fails() -> None:
    t0 = NOW - timedelta(days=3)
    attempts = [
        FetchAttempt(t0, True, "", 200),
        FetchAttempt(t0 + timedelta(days=1), False, "http_status", 500),
        FetchAttempt(t0 + timedelta(days=2), False, "timeout", None),
    ]
    health = summarize("s", reversed(attempts))  # order of arrival does not matter
    assert health.state == "failing"
    assert health.failing_since == t0 + timedelta(days=1)
    assert health.last_ok_at == t0
    assert health.consecutive_failures == 2
    assert "自 2024-02-23 18:00 起采集失败" in health.describe_zh()
    assert "请求超时" in health.describe_zh()
    recovered = summarize("s", [*attempts, FetchAttempt(NOW, True, "", 200)])
    assert (recovered.state, recovered.failing_since, recovered.account_state) == (
        "ok",
        None,
        "known",
    )
    assert summarize("s", []).account_state == "unknown"


def test_refetch_is_idempotent(server: FeedServer, outcomes: dict[str, FeedOutcome]) -> None:
    seen: set[str] = set()
    first = dedupe([p for o in outcomes.values() for p in o.batch.posts], seen)
    again = _run(server)
    second = dedupe([p for o in again.values() for p in o.batch.posts], seen)
    assert len(first) == 6
    assert second == []
