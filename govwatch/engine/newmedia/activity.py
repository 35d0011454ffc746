"""Activity of accounts over any window of natural days (Beijing time).

For each account: the last post, posts per rolling week, the longest run of days
without a post, the days out of compliance (不达标天数) under a rhythm rule, and the
daily counts a trend chart draws. Days are natural days in Beijing time, because
that is how the bulletins count them; a post at 23:59 on the 3rd belongs to the 3rd
whatever zone the source reported it in.

The work per account is one pass over its posts into a day-count array (with a
look-back so the first days of the window see the posts just before it) and prefix
sums for every rolling figure: O(posts + days), no per-day rescans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import accumulate

from govwatch.engine.clock import BEIJING

WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Window:
    """Natural days ``start`` … ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("统计区间的结束日期早于开始日期")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class ActivityRule:
    """A day complies when the ``window_days`` days ending on it hold ``min_posts`` posts.

    Kaifeng's 一周未更新两次 is (7, 2); Golmud's 5个自然日内至少发布1篇 is (5, 1).
    """

    window_days: int = WEEK_DAYS
    min_posts: int = 1

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.min_posts < 0:
            raise ValueError("规则参数无效：window_days ≥ 1，min_posts ≥ 0")


@dataclass(frozen=True, slots=True)
class Activity:
    account_id: str
    window: Window
    rule: ActivityRule
    last_post_at: datetime | None  # latest post up to the end of the window (Beijing time)
    post_count: int  # posts inside the window
    daily_counts: tuple[int, ...]  # one per day of the window
    rolling_week: tuple[int, ...]  # posts in the 7 days ending on each day of the window
    longest_gap_days: int  # longest run of days in the window without a post
    longest_gap: tuple[date, date] | None  # that run's first and last day
    noncompliant_days: int  # 不达标天数 under ``rule``

    @property
    def min_week(self) -> int:
        return min(self.rolling_week)


def _local(moment: datetime) -> datetime:
    # Naive times are Beijing time; making them aware keeps one convention per account.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def activity_from_local(
    account_id: str, local_posts: Iterable[datetime], window: Window, rule: ActivityRule
) -> Activity:
    """Activity from post times already in Beijing local time (all aware or all naive)."""
    lookback = max(WEEK_DAYS, rule.window_days) - 1
    base = window.start.toordinal() - lookback
    size = window.days + lookback
    counts = [0] * size
    last: datetime | None = None
    for moment in local_posts:
        index = moment.toordinal() - base
        if index >= size:
            continue  # after the window: invisible, as if computed on its last day
        if last is None or moment > last:
            last = moment
        if index >= 0:
            counts[index] += 1
    prefix = [0, *accumulate(counts)]
    daily = counts[lookback:]
    week = tuple(prefix[i + 1] - prefix[max(0, i + 1 - WEEK_DAYS)] for i in range(lookback, size))
    span = rule.window_days
    noncompliant = sum(
        1 for i in range(lookback, size) if prefix[i + 1] - prefix[i + 1 - span] < rule.min_posts
    )
    best, best_end, run = 0, -1, 0
    for i, count in enumerate(daily):
        run = run + 1 if count == 0 else 0
        if run > best:
            best, best_end = run, i
    gap = None
    if best:
        first = date.fromordinal(window.start.toordinal() + best_end - best + 1)
        gap = (first, date.fromordinal(window.start.toordinal() + best_end))
    return Activity(
        account_id=account_id,
        window=window,
        rule=rule,
        last_post_at=last,
        post_count=prefix[-1] - prefix[lookback],
        daily_counts=tuple(daily),
        rolling_week=week,
        longest_gap_days=best,
        longest_gap=gap,
        noncompliant_days=noncompliant,
    )


class ActivityIndex:
    """Post times grouped by account, for computing many accounts at once.

    Times are converted to Beijing time once, on the way in, so any number of windows
    can be computed later without touching the posts again.
    """

    def __init__(self) -> None:
        self._posts: dict[str, list[datetime]] = {}

    def add(self, account_id: str, published_at: datetime) -> None:
        bucket = self._posts.get(account_id)
        if bucket is None:
            bucket = self._posts[account_id] = []
        bucket.append(_local(published_at))

    def accounts(self) -> list[str]:
        return list(self._posts)

    def posts_of(self, account_id: str) -> tuple[datetime, ...]:
        return tuple(self._posts.get(account_id, ()))

    def __len__(self) -> int:
        return sum(len(v) for v in self._posts.values())

    def compute(
        self,
        window: Window,
        rule: ActivityRule | None = None,
        *,
        account_ids: Iterable[str] = (),
        rules: Mapping[str, ActivityRule] | None = None,
    ) -> dict[str, Activity]:
        """Activity of every account seen, plus ``account_ids`` that have no posts at all.

        ``rules`` overrides ``rule`` per account (e.g. 2 posts a week for WeChat, 1 for
        Douyin under Kaifeng's profile).
        """
        default = rule or ActivityRule()
        ids = dict.fromkeys([*self._posts, *account_ids])
        result: dict[str, Activity] = {}
        for account_id in ids:
            chosen = rules.get(account_id, default) if rules else default
            result[account_id] = activity_from_local(
                account_id, self._posts.get(account_id, ()), window, chosen
            )
        return result
