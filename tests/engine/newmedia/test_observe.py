"""Mapping posts and health onto the indicator input."""

from __future__ import annotations

from datetime import UTC, datetime

from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.adapters.base import Post
from govwatch.engine.newmedia.health import FetchAttempt, summarize
from govwatch.engine.newmedia.observe import AccountMeta, account_observation

META = AccountMeta("wx-1", "wechat", "和美邢庄", "尉氏县人民政府办公室", True, False)
LATE_UTC = datetime(2024, 2, 24, 17, 0, tzinfo=UTC)  # 01:00 on the 25th in Beijing


def test_posts_in_beijing_time_sorted_and_filtered_by_account() -> None:
    posts = [
        Post("wx-1", "wechat", LATE_UTC),
        Post("wx-2", "wechat", datetime(2024, 2, 20, tzinfo=BEIJING)),
        Post("wx-1", "wechat", datetime(2024, 2, 1, 9, 0)),  # naive = Beijing
    ]
    obs = account_observation(META, posts)
    assert obs.posts is not None
    assert [p.isoformat() for p in obs.posts] == [
        "2024-02-01T09:00:00+08:00",
        "2024-02-25T01:00:00+08:00",
    ]
    assert (obs.registered_national, obs.has_interaction, obs.name) == (True, False, "和美邢庄")


def test_health_decides_between_known_and_unknown() -> None:
    ok = summarize("s", [FetchAttempt(LATE_UTC, True, "", 200)])
    failing = summarize("s", [FetchAttempt(LATE_UTC, False, "timeout")])
    assert account_observation(META, [], ok).posts == ()  # answered, nothing posted
    assert account_observation(META, [], failing).posts is None
    assert account_observation(META, None, ok).posts is None
    assert account_observation(META, [], summarize("s", [])).posts is None
    # Plain datetimes are accepted too.
    assert account_observation(META, [LATE_UTC]).posts == (LATE_UTC.astimezone(BEIJING),)
