"""Test consultations (咨询信件测试): inspectors send a simple question and time the reply.

A profile sets the reply tiers in working days. Seed 003 (开封) reports 1个工作日内 / 5个工作日内 /
大于5个工作日 / 未回复 and an on-time window of 1; seed 004 (陕西) reports 当日回复 / 未及时回复 /
未回复 / 渠道不可用 with an on-time window the bulletin does not state. Tiers are compared on
calendar dates in Beijing time: a tier of N working days means "answered no later than the
N-th working day after the day it was sent"; a tier of 0 means "on the day it was sent".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from govwatch.engine.interaction.common import china_naive
from govwatch.engine.interaction.rates import RoundingMode, percent
from govwatch.engine.workdays import WorkCalendar, china_date, default_calendar

SAME_DAY_REPLY = "same_day_reply"
WITHIN_1_WORKING_DAY = "within_1_working_day"
WITHIN_5_WORKING_DAYS = "within_5_working_days"
OVER_5_WORKING_DAYS = "over_5_working_days"
ON_TIME_REPLY = "on_time_reply"  # 004's unnamed "on time but not same day" group
LATE_REPLY = "late_reply"
NO_REPLY = "no_reply"
CHANNEL_UNAVAILABLE = "channel_unavailable"
AWAITING_REPLY = "awaiting_reply"  # unanswered, window still open at as_of: not yet a failure

BUCKET_LABELS_ZH: dict[str, str] = {
    SAME_DAY_REPLY: "当日回复",
    WITHIN_1_WORKING_DAY: "1个工作日内答复",
    WITHIN_5_WORKING_DAYS: "5个工作日内答复",
    OVER_5_WORKING_DAYS: "大于5个工作日回复",
    ON_TIME_REPLY: "按期答复",
    LATE_REPLY: "未及时回复",
    NO_REPLY: "未回复",
    CHANNEL_UNAVAILABLE: "渠道不可用",
    AWAITING_REPLY: "待答复（未到期）",
}


class TargetKind(StrEnum):
    SITE = "site"
    ACCOUNT = "account"


class ReplyQuality(StrEnum):
    ANSWERED = "answered"  # 答复了所问问题
    TEMPLATE = "template"  # 模板化答复（“已收到”“请咨询相关部门”之类）


@dataclass(frozen=True)
class ConsultationTest:
    test_id: str
    target: str  # site or account name/code as registered
    channel: str
    question: str
    sent_at: dt.datetime
    send_succeeded: bool = True
    send_failure_reason: str = ""
    answered_at: dt.datetime | None = None
    answer_text: str = ""
    reply_quality: ReplyQuality | None = None  # None: not judged yet, taken as answered
    target_kind: TargetKind = TargetKind.SITE


@dataclass(frozen=True)
class ReplyTier:
    bucket: str
    working_days: int  # 0 = same calendar day as sent


@dataclass(frozen=True)
class ReplyWindowProfile:
    """Reply tiers, the bucket for answers beyond the last tier, and the on-time window."""

    tiers: tuple[ReplyTier, ...]
    late_bucket: str
    on_time_working_days: int
    template_counts_as_reply: bool = False

    def __post_init__(self) -> None:
        limits = [tier.working_days for tier in self.tiers]
        if not limits or limits != sorted(set(limits)) or limits[0] < 0:
            raise ValueError("答复时限档次必须非空、不为负且严格递增")
        if self.on_time_working_days not in limits:
            # Otherwise the on-time count could not be read off the bucket table.
            raise ValueError("按期答复时限必须等于某一档次的工作日数")

    @property
    def on_time_buckets(self) -> tuple[str, ...]:
        return tuple(t.bucket for t in self.tiers if t.working_days <= self.on_time_working_days)

    @property
    def bucket_order(self) -> tuple[str, ...]:
        tiers = tuple(t.bucket for t in self.tiers)
        return (*tiers, self.late_bucket, NO_REPLY, CHANNEL_UNAVAILABLE, AWAITING_REPLY)


def tiered_profile(first: int = 1, second: int = 5) -> ReplyWindowProfile:
    """Seed 003's scheme: within ``first`` / within ``second`` / beyond; on time = ``first``."""
    return ReplyWindowProfile(
        tiers=(
            ReplyTier(f"within_{first}_working_day{'s' if first != 1 else ''}", first),
            ReplyTier(f"within_{second}_working_days", second),
        ),
        late_bucket=f"over_{second}_working_days",
        on_time_working_days=first,
    )


def same_day_profile(on_time_working_days: int) -> ReplyWindowProfile:
    """Seed 004's scheme: same day / on time / late; the window is the profile's to set."""
    return ReplyWindowProfile(
        tiers=(ReplyTier(SAME_DAY_REPLY, 0), ReplyTier(ON_TIME_REPLY, on_time_working_days)),
        late_bucket=LATE_REPLY,
        on_time_working_days=on_time_working_days,
    )


@dataclass(frozen=True)
class ClassifiedTest:
    test: ConsultationTest
    bucket: str
    elapsed_working_days: int | None  # None when nothing countable was answered


def counted_answer(
    test: ConsultationTest, profile: ReplyWindowProfile, as_of: dt.datetime | None = None
) -> dt.datetime | None:
    """The answer time that counts: none for failed sends, later answers or template replies."""
    if not test.send_succeeded or test.answered_at is None:
        return None
    if as_of is not None and china_naive(test.answered_at) > china_naive(as_of):
        return None
    if test.reply_quality is ReplyQuality.TEMPLATE and not profile.template_counts_as_reply:
        return None
    return test.answered_at


def classify_test(
    test: ConsultationTest,
    profile: ReplyWindowProfile,
    calendar: WorkCalendar | None = None,
    as_of: dt.datetime | None = None,
) -> ClassifiedTest:
    """Put one test in its bucket. Without ``as_of`` every unanswered test counts as no reply."""
    cal = calendar or default_calendar()
    if not test.send_succeeded:
        return ClassifiedTest(test, CHANNEL_UNAVAILABLE, None)
    sent_day = china_date(test.sent_at)
    answered = counted_answer(test, profile, as_of)
    if answered is None:
        if as_of is not None:
            last_deadline = cal.add_working_days(sent_day, profile.tiers[-1].working_days)
            if china_date(as_of) <= last_deadline:
                return ClassifiedTest(test, AWAITING_REPLY, None)
        return ClassifiedTest(test, NO_REPLY, None)
    answer_day = china_date(answered)
    elapsed = cal.working_days_between(sent_day, answer_day)
    for tier in profile.tiers:
        if tier.working_days == 0:
            if answer_day == sent_day:
                return ClassifiedTest(test, tier.bucket, elapsed)
        elif elapsed <= tier.working_days:
            return ClassifiedTest(test, tier.bucket, elapsed)
    return ClassifiedTest(test, profile.late_bucket, elapsed)


@dataclass(frozen=True)
class ConsultationSummary:
    """Buckets and rates for one period. ``tested`` leaves out tests still awaiting a reply."""

    profile: ReplyWindowProfile
    period: tuple[dt.date, dt.date] | None
    results: tuple[ClassifiedTest, ...]

    def count(self, *buckets: str) -> int:
        return sum(1 for r in self.results if r.bucket in buckets)

    def targets(self, bucket: str) -> tuple[str, ...]:
        return tuple(r.test.target for r in self.results if r.bucket == bucket)

    @property
    def bucket_counts(self) -> tuple[tuple[str, int], ...]:
        return tuple((bucket, self.count(bucket)) for bucket in self.profile.bucket_order)

    @property
    def tested(self) -> int:
        return len(self.results) - self.count(AWAITING_REPLY)

    @property
    def on_time(self) -> int:
        return self.count(*self.profile.on_time_buckets)

    def on_time_reply_rate(
        self, decimals: int = 2, mode: RoundingMode = "half_up"
    ) -> Decimal | None:
        """按期答复率 in percent; None when nothing was tested."""
        return percent(self.on_time, self.tested, decimals, mode)

    def share(
        self, buckets: Iterable[str], decimals: int = 2, mode: RoundingMode = "half_up"
    ) -> Decimal | None:
        """Percent of tested in the given buckets (003: over 5 working days or no reply)."""
        return percent(self.count(*buckets), self.tested, decimals, mode)


def summarize_consultations(
    tests: Iterable[ConsultationTest],
    profile: ReplyWindowProfile,
    calendar: WorkCalendar | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    as_of: dt.datetime | None = None,
) -> ConsultationSummary:
    """Classify the tests sent within ``period`` (all when None), in input order."""
    cal = calendar or default_calendar()
    start, end = period or (dt.date.min, dt.date.max)
    chosen = [t for t in tests if start <= china_date(t.sent_at) <= end]
    results = tuple(classify_test(t, profile, cal, as_of) for t in chosen)
    return ConsultationSummary(profile=profile, period=period, results=results)
