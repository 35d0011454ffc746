"""Test consultations rebuilt from seeds 003 (开封) and 004 (陕西) with real timestamps.

Each record's sent/answered times are chosen so that only working-day arithmetic on the
official calendar lands it in its seed bucket (Fridays before holidays, adjusted working
weekends, a year end); plain Monday–Friday counting would misplace several of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from decimal import Decimal

from govwatch.engine.interaction.common import end_of_day
from govwatch.engine.interaction.consultations import (
    AWAITING_REPLY,
    CHANNEL_UNAVAILABLE,
    LATE_REPLY,
    NO_REPLY,
    ON_TIME_REPLY,
    OVER_5_WORKING_DAYS,
    SAME_DAY_REPLY,
    WITHIN_1_WORKING_DAY,
    WITHIN_5_WORKING_DAYS,
    ConsultationTest,
    ReplyQuality,
    classify_test,
    same_day_profile,
    summarize_consultations,
    tiered_profile,
)
from govwatch.engine.interaction.rates import format_rate
from govwatch.engine.periods import period_dates
from tests.helpers import read_seed

T = dt.datetime
CST = dt.timezone(dt.timedelta(hours=8))

# (sent, answered) pairs per bucket; every pair is in the 003 data window 2023-11-27..2024-02-25.
PATTERNS_003: dict[str, list[tuple[T, T | None]]] = {
    WITHIN_1_WORKING_DAY: [
        (T(2024, 1, 8, 9), T(2024, 1, 8, 15)),
        (T(2024, 1, 9, 10), T(2024, 1, 10, 11)),
        (T(2024, 1, 12, 16), T(2024, 1, 15, 9)),  # Friday -> Monday
        (T(2024, 2, 9, 10), T(2024, 2, 18, 10)),  # Friday before 春节 -> the worked Sunday
        (T(2024, 2, 3, 10), T(2024, 2, 4, 10)),  # Saturday -> the worked Sunday
        (T(2023, 12, 29, 15), T(2024, 1, 2, 9)),  # across the year end and 元旦
    ],
    WITHIN_5_WORKING_DAYS: [
        (T(2024, 2, 9, 10), T(2024, 2, 22, 17)),  # 5 working days; 9 by plain weekdays
        (T(2023, 12, 29, 10), T(2024, 1, 5, 10)),
        (T(2024, 1, 15, 9), T(2024, 1, 19, 9)),
        (T(2024, 2, 7, 9), T(2024, 2, 19, 9)),
    ],
    OVER_5_WORKING_DAYS: [
        (T(2024, 2, 2, 9), T(2024, 2, 9, 9))  # 6 working days (2-4 worked); 5 by weekdays
    ],
    NO_REPLY: [(T(2024, 1, 22, 9), None), (T(2024, 2, 1, 9), None)],
}

PERIOD_003 = period_dates("2023-11-27~2024-02-25")


def _tests_003() -> tuple[list[ConsultationTest], dict[str, str]]:
    rows = read_seed("003_a3_interaction_response.csv")
    cycles = {bucket: itertools.cycle(p) for bucket, p in PATTERNS_003.items()}
    tests, expected = [], {}
    for row in rows:
        sent, answered = next(cycles[row["response_category"]])
        tests.append(
            ConsultationTest(
                test_id=f"003-{row['seq']}",
                target=row["site_name"],
                channel="政务咨询",
                question="请问办理居住证需要哪些材料？",
                sent_at=sent,
                answered_at=answered,
                answer_text="" if answered is None else "需携带身份证和居住证明。",
                reply_quality=None if answered is None else ReplyQuality.ANSWERED,
            )
        )
        expected[row["site_name"]] = row["response_category"]
    return tests, expected


def test_seed_003_buckets_and_rates() -> None:
    tests, expected = _tests_003()
    summary = summarize_consultations(
        tests, tiered_profile(1, 5), period=PERIOD_003, as_of=end_of_day(PERIOD_003[1])
    )
    assert {r.test.target: r.bucket for r in summary.results} == expected
    assert summary.bucket_counts[:4] == (
        (WITHIN_1_WORKING_DAY, 34),
        (WITHIN_5_WORKING_DAYS, 4),
        (OVER_5_WORKING_DAYS, 1),
        (NO_REPLY, 4),
    )
    assert summary.tested == 43
    assert summary.on_time == 34
    assert summary.on_time_reply_rate(0) == Decimal("79")
    assert format_rate(summary.on_time, summary.tested, 0) == "79%"
    assert summary.share([OVER_5_WORKING_DAYS, NO_REPLY], 1) == Decimal("11.6")
    assert set(summary.targets(NO_REPLY)) == {
        "市粮食和储备局",
        "市公安局",
        "市生态环境局",
        "市乡村振兴局",
    }


# 2024 Q2: 清明 4-4..4-6 (Sunday 4-7 worked), 劳动节 5-1..5-5 (4-28, 5-11 worked), 端午 6-10.
PATTERNS_004: dict[str, list[tuple[T, T | None]]] = {
    SAME_DAY_REPLY: [
        (T(2024, 4, 3, 9), T(2024, 4, 3, 17, 30)),
        (T(2024, 4, 7, 9), T(2024, 4, 7, 16)),  # on the worked Sunday
        (T(2024, 5, 11, 10), T(2024, 5, 11, 11)),  # on the worked Saturday
        (T(2024, 6, 7, 8, 30), T(2024, 6, 7, 18)),
    ],
    ON_TIME_REPLY: [
        (T(2024, 4, 3, 9), T(2024, 4, 8, 9)),  # 2 working days over 清明
        (T(2024, 4, 30, 10), T(2024, 5, 10, 10)),  # 5 working days; 8 by plain weekdays
        (T(2024, 6, 7, 10), T(2024, 6, 14, 10)),  # 4 working days over 端午
        (T(2024, 4, 26, 16), T(2024, 4, 28, 9)),  # Friday -> the worked Sunday
        # 10:00 -> 次日 04:00 Beijing time: a UTC date comparison would call it same day.
        (T(2024, 5, 8, 2, tzinfo=dt.UTC), T(2024, 5, 8, 20, tzinfo=dt.UTC)),
    ],
    LATE_REPLY: [
        (T(2024, 4, 30, 10), T(2024, 5, 11, 10)),  # the worked Saturday is the 6th day
        (T(2024, 6, 3, 9), T(2024, 6, 12, 9)),  # 6 working days over 端午
        (T(2024, 4, 1, 9), T(2024, 4, 12, 9)),
    ],
    NO_REPLY: [(T(2024, 4, 15, 9), None), (T(2024, 6, 14, 9), None)],
    CHANNEL_UNAVAILABLE: [(T(2024, 5, 20, 9), None)],
}

PERIOD_004 = period_dates("2024Q2")
ON_TIME_SITES_NOT_NAMED = 155  # 251 on time − 96 same day; 004 does not list them


def _tests_004() -> tuple[list[ConsultationTest], dict[str, str]]:
    named = [(r["site_name"], r["category"]) for r in read_seed("004_a2_interaction_test.csv")]
    synthetic = [(f"未列名按期答复网站{n:03d}", ON_TIME_REPLY) for n in range(1, 156)]
    cycles = {bucket: itertools.cycle(p) for bucket, p in PATTERNS_004.items()}
    tests, expected = [], {}
    for n, (site, bucket) in enumerate(named + synthetic, start=1):
        sent, answered = next(cycles[bucket])
        failed = bucket == CHANNEL_UNAVAILABLE
        # Every third unanswered site sent only a template acknowledgement: still no reply.
        template = bucket == NO_REPLY and n % 3 == 0
        if template:
            answered = sent + dt.timedelta(minutes=5)
        tests.append(
            ConsultationTest(
                test_id=f"004-{n}",
                target=site,
                channel="留言咨询",
                question="请问本单位的办公时间是几点到几点？",
                sent_at=sent,
                send_succeeded=not failed,
                send_failure_reason="提交后页面提示系统错误" if failed else "",
                answered_at=answered,
                reply_quality=ReplyQuality.TEMPLATE if template else None,
            )
        )
        expected[site] = bucket
    return tests, expected


def test_seed_004_buckets_and_rate() -> None:
    tests, expected = _tests_004()
    assert len(tests) == 286
    # 004 does not state its window; 5 working days is this test's profile choice.
    profile = same_day_profile(5)
    summary = summarize_consultations(tests, profile, period=PERIOD_004)
    assert {r.test.target: r.bucket for r in summary.results} == expected
    counts = dict(summary.bucket_counts)
    assert counts[SAME_DAY_REPLY] == 96
    assert counts[ON_TIME_REPLY] == ON_TIME_SITES_NOT_NAMED
    assert counts[LATE_REPLY] == 9
    assert counts[NO_REPLY] == 24
    assert counts[CHANNEL_UNAVAILABLE] == 2
    assert (summary.tested, summary.on_time) == (286, 251)
    assert summary.on_time_reply_rate(2) == Decimal("87.76")
    assert format_rate(summary.on_time, summary.tested, 2) == "87.76%"


def test_period_filter_and_awaiting_reply() -> None:
    profile = tiered_profile(1, 5)
    early = ConsultationTest("a", "甲网站", "留言", "问", T(2024, 6, 27, 9))
    outside = ConsultationTest("b", "乙网站", "留言", "问", T(2024, 7, 2, 9))
    summary = summarize_consultations(
        [early, outside], profile, period=PERIOD_004, as_of=T(2024, 6, 30, 23)
    )
    # Sent Thursday 6-27, five working days run to 7-4: not yet a failure on 6-30.
    assert [r.bucket for r in summary.results] == [AWAITING_REPLY]
    assert summary.tested == 0 and summary.on_time_reply_rate() is None
    late_check = classify_test(early, profile, as_of=T(2024, 7, 5, 9))
    assert late_check.bucket == NO_REPLY


def test_answers_after_as_of_and_template_policy() -> None:
    profile = tiered_profile(1, 5)
    test = ConsultationTest(
        "c",
        "丙网站",
        "留言",
        "问",
        T(2024, 6, 3, 9, tzinfo=CST),
        answered_at=T(2024, 6, 4, 9, tzinfo=CST),
        reply_quality=ReplyQuality.TEMPLATE,
    )
    assert classify_test(test, profile).bucket == NO_REPLY
    lenient = dataclasses.replace(profile, template_counts_as_reply=True)
    assert classify_test(test, lenient).bucket == WITHIN_1_WORKING_DAY
    # An answer given after the report's cut-off does not count yet (naive vs aware is fine).
    answered = ConsultationTest(
        "d", "丁网站", "留言", "问", T(2024, 6, 3, 9), answered_at=T(2024, 6, 4, 9)
    )
    assert classify_test(answered, profile, as_of=T(2024, 6, 3, 20, tzinfo=CST)).bucket == (
        AWAITING_REPLY
    )
