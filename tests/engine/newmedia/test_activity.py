"""Activity at every boundary of natural days and rolling weeks (Beijing time)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from govwatch.engine.checks.accounts.nma003_posting_rhythm import Params as RhythmParams
from govwatch.engine.checks.accounts.nma003_posting_rhythm import check as rhythm_check
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.activity import Activity, ActivityIndex, ActivityRule, Window

START, END = date(2024, 2, 1), date(2024, 2, 29)  # a leap February: 29 days
WINDOW = Window(START, END)


def at(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=BEIJING)


def d(n: int) -> date:
    """Day ``n`` of the window (0 = START)."""
    return START + timedelta(days=n)


def compute_activity(
    account_id: str, posts: list[datetime], window: Window, rule: ActivityRule | None = None
) -> Activity:
    """One account's activity through the index, as the services compute it."""
    index = ActivityIndex()
    for post in posts:
        index.add(account_id, post)
    return index.compute(window, rule, account_ids=[account_id])[account_id]


def test_natural_day_boundaries_are_beijing_days() -> None:
    posts = [
        at(d(0), 0, 0, 0),  # first instant of the first day
        at(d(1), 23, 59, 59),  # last instant of day 1
        datetime.combine(d(2), time(16, 0), tzinfo=UTC),  # 00:00 on day 3 in Beijing
        datetime.combine(d(3), time(15, 59, 59), tzinfo=UTC),  # 23:59:59 on day 3
        datetime.combine(d(4), time(0, 0)),  # naive: Beijing time
    ]
    activity = compute_activity("a", posts, WINDOW)
    assert activity.daily_counts[:6] == (1, 1, 0, 2, 1, 0)
    assert len(activity.daily_counts) == WINDOW.days == 29


def test_window_edges() -> None:
    posts = [at(d(-1), 23, 59, 59), at(d(0)), at(END), at(END + timedelta(days=1), 0, 0, 0)]
    activity = compute_activity("a", posts, WINDOW)
    assert activity.post_count == 2  # the day before and the day after are outside
    assert activity.daily_counts[0] == 1 and activity.daily_counts[-1] == 1
    # A post after the window is invisible even for "last post": the window is a past view.
    assert activity.last_post_at == at(END)
    before_only = compute_activity("a", [at(d(-1))], WINDOW)
    assert before_only.post_count == 0
    assert before_only.last_post_at == at(d(-1))
    assert before_only.rolling_week[0] == 1  # the week ending on day 0 reaches back


def test_rolling_week_boundaries() -> None:
    activity = compute_activity("a", [at(d(10))], WINDOW)
    week = activity.rolling_week
    assert week[9] == 0  # the day before the post
    assert week[10:17] == (1,) * 7  # weeks ending on days 10..16 contain it
    assert week[17] == 0  # the week ending on day 17 starts on day 11
    # Look-back: a post 6 days before the window is in the first week, 7 days before is not.
    assert compute_activity("a", [at(d(-6))], WINDOW).rolling_week[0] == 1
    assert compute_activity("a", [at(d(-7))], WINDOW).rolling_week[0] == 0
    assert activity.min_week == 0


def test_noncompliant_days_kaifeng_two_a_week() -> None:
    rule = ActivityRule(window_days=7, min_posts=2)
    # Posts on day 0 and day 6: the week ending on day 6 holds both; ending on day 7 only one.
    activity = compute_activity("a", [at(d(0)), at(d(6))], WINDOW, rule)
    compliant = [i for i in range(WINDOW.days) if activity.rolling_week[i] >= 2]
    assert compliant == [6]
    assert activity.noncompliant_days == WINDOW.days - 1
    # Two posts on the same day count twice.
    twice = compute_activity("a", [at(d(3), 9), at(d(3), 18)], WINDOW, rule)
    assert twice.noncompliant_days == WINDOW.days - 7
    assert compute_activity("a", [], WINDOW, ActivityRule(7, 0)).noncompliant_days == 0


@pytest.mark.parametrize(("empty_days", "expected"), [(4, 0), (5, 1), (6, 2)])
def test_golmud_five_days_matches_nma003(empty_days: int, expected: int) -> None:
    posts = [at(d(0)), at(d(empty_days + 1))]
    window = Window(d(0), d(empty_days + 1))
    activity = compute_activity("a", posts, window, ActivityRule(window_days=5, min_posts=1))
    assert activity.noncompliant_days == expected
    assert activity.longest_gap_days == empty_days
    obs = AccountObservation("a", "wechat", "甲", tuple(posts))
    ctx = CheckContext(monitoring_point=at(d(empty_days + 1), 23), period_start=d(0))
    assert bool(rhythm_check(obs, ctx, RhythmParams(), "warning")) == bool(expected)


def test_longest_gap_at_edges_and_empty_windows() -> None:
    activity = compute_activity("a", [at(d(5)), at(d(20))], WINDOW)
    assert activity.longest_gap_days == 14 and activity.longest_gap == (d(6), d(19))
    tail = compute_activity("a", [at(d(0)), at(d(1))], WINDOW)
    assert tail.longest_gap == (d(2), END) and tail.longest_gap_days == 27
    head = compute_activity("a", [at(END)], WINDOW)
    assert head.longest_gap == (START, d(27))
    empty = compute_activity("a", [], WINDOW)
    assert (empty.longest_gap_days, empty.last_post_at, empty.post_count) == (29, None, 0)
    daily = compute_activity("a", [at(d(i)) for i in range(29)], WINDOW)
    assert (daily.longest_gap_days, daily.longest_gap, daily.noncompliant_days) == (0, None, 0)


def test_single_day_window_and_invalid_input() -> None:
    one = compute_activity("a", [at(d(3)), at(d(2))], Window(d(3), d(3)))
    assert (one.daily_counts, one.rolling_week, one.post_count) == ((1,), (2,), 1)
    with pytest.raises(ValueError):
        Window(d(3), d(2))
    with pytest.raises(ValueError):
        ActivityRule(window_days=0)


def _naive(posts: list[datetime], window: Window, rule: ActivityRule) -> tuple[object, ...]:
    days = [window.start + timedelta(days=i) for i in range(window.days)]
    local = [p.astimezone(BEIJING).date() for p in posts]
    daily = tuple(sum(1 for p in local if p == day) for day in days)
    week = tuple(sum(1 for p in local if day - timedelta(days=6) <= p <= day) for day in days)
    span = timedelta(days=rule.window_days - 1)
    bad = sum(1 for day in days if sum(1 for p in local if day - span <= p <= day) < rule.min_posts)
    best = run = 0
    for count in daily:
        run = run + 1 if count == 0 else 0
        best = max(best, run)
    return daily, week, bad, best


def test_agrees_with_a_naive_count_on_random_histories() -> None:
    rng = random.Random(20240225)
    index = ActivityIndex()
    histories: dict[str, list[datetime]] = {}
    for n in range(60):
        posts = [
            datetime(2024, 1, 20, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 50))
            for _ in range(rng.randrange(0, 40))
        ]
        histories[f"a{n}"] = posts
        for post in posts:
            index.add(f"a{n}", post)
    rule = ActivityRule(window_days=rng.choice([3, 5, 7, 10]), min_posts=2)
    computed = index.compute(WINDOW, rule, account_ids=histories)
    assert set(computed) == set(histories)
    for account_id, posts in histories.items():
        got = computed[account_id]
        expected = _naive(posts, WINDOW, rule)
        assert (
            got.daily_counts,
            got.rolling_week,
            got.noncompliant_days,
            got.longest_gap_days,
        ) == (expected)


def test_index_per_account_rules_and_accounts_without_posts() -> None:
    index = ActivityIndex()
    index.add("wx", at(d(27)))
    index.add("dy", at(d(27)))
    rules = {"wx": ActivityRule(7, 2), "dy": ActivityRule(7, 1)}
    result = index.compute(Window(END, END), rules=rules, account_ids=["silent"])
    assert result["wx"].noncompliant_days == 1
    assert result["dy"].noncompliant_days == 0
    assert result["silent"].post_count == 0 and result["silent"].noncompliant_days == 1
    assert len(index) == 2 and index.posts_of("wx") == (at(d(27)),)
