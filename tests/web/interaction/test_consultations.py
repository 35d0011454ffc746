"""Test consultations: seed 003 附件3 (开封, 43 sites) rebuilt with real times, imported from xlsx."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from govwatch.engine.interaction.consultations import (
    CHANNEL_UNAVAILABLE,
    NO_REPLY,
    OVER_5_WORKING_DAYS,
    SAME_DAY_REPLY,
    WITHIN_1_WORKING_DAY,
    WITHIN_5_WORKING_DAYS,
    same_day_profile,
    tiered_profile,
)
from govwatch.engine.interaction.rates import format_rate
from govwatch.web.interaction.models import ConsultationTest
from govwatch.web.interaction.services import consultation_summary, consultation_tests_import
from govwatch.web.registry.models import Site
from govwatch.web.registry.resolver import UnitIndex, UnitLookupError
from tests.helpers import Cell, load_demo_registry, read_seed, write_csv, write_workbook
from tests.web.interaction import helpers as H

pytestmark = pytest.mark.django_db

T = dt.datetime
PERIOD = (dt.date(2023, 11, 27), dt.date(2024, 2, 25))
# 2024 春节: 2-10..2-17 off, Sundays 2-4 and 2-18 worked; plain weekday counting misplaces
# the Friday-before-春节 rows and the 2-2 row.
PATTERNS: dict[str, list[tuple[T, T | None]]] = {
    WITHIN_1_WORKING_DAY: [
        (T(2024, 1, 8, 9), T(2024, 1, 8, 15)),
        (T(2024, 1, 12, 16), T(2024, 1, 15, 9)),  # Friday -> Monday
        (T(2024, 2, 9, 10), T(2024, 2, 18, 10)),  # before 春节 -> the worked Sunday
        (T(2023, 12, 29, 15), T(2024, 1, 2, 9)),  # across 元旦 and the year end
    ],
    WITHIN_5_WORKING_DAYS: [
        (T(2024, 2, 9, 10), T(2024, 2, 22, 17)),  # the 5th working day; 9 by weekdays
        (T(2024, 1, 15, 9), T(2024, 1, 19, 9)),
    ],
    OVER_5_WORKING_DAYS: [(T(2024, 2, 2, 9), T(2024, 2, 9, 9))],  # 6th (2-4 worked)
    NO_REPLY: [(T(2024, 1, 22, 9), None)],
}


def site_of(name: str, index: UnitIndex, kaifeng: int) -> Site:
    """003 prints short names; the demo registry names each site after its unit's full name."""
    try:
        return Site.objects.get(name=index.display[index.resolve(name, kaifeng)])
    except UnitLookupError:
        return Site.objects.get(name=name)  # 信用开封 is a site name, not a unit


def seed_workbook(path: Path) -> tuple[Path, dict[str, str]]:
    index = UnitIndex.load()
    kaifeng = index.resolve("开封市人民政府")
    cycles = {bucket: itertools.cycle(p) for bucket, p in PATTERNS.items()}
    rows: list[list[Cell]] = []
    expected: dict[str, str] = {}
    for seed in read_seed("003_a3_interaction_response.csv"):
        site = site_of(seed["site_name"], index, kaifeng)
        sent, answered = next(cycles[seed["response_category"]])
        # Half the rows by code, half by name: both identify a site.
        code, name = (site.site_code, "") if int(seed["seq"]) % 2 else ("", site.name)
        rows.append(
            [f"003-{seed['seq']}", code, name, "", "", "我要咨询", "居住证怎么办理？", sent, "是",
             "", answered, "" if answered is None else "携带身份证到派出所办理。",
             "" if answered is None else "答复"]
        )  # fmt: skip
        expected[site.name] = seed["response_category"]
    # Sent after the period: must not be counted.
    rows.append(["003-late", "", "开封市公安局", "", "", "我要咨询", "问", T(2024, 2, 26, 9),
                 "是", "", T(2024, 2, 26, 10), "答", ""])  # fmt: skip
    return write_workbook(path, {"咨询测试": (H.TEST_HEADERS, rows)}), expected


def test_seed_003_buckets_and_rates(tmp_path: Path) -> None:
    load_demo_registry()
    path, expected = seed_workbook(tmp_path / "tests.xlsx")
    assert len(expected) == 43
    report = consultation_tests_import(path)
    assert report.created == 44
    summary = consultation_summary(*PERIOD, tiered_profile(1, 5))
    assert {r.test.target: r.bucket for r in summary.results} == expected
    assert summary.bucket_counts[:4] == (
        (WITHIN_1_WORKING_DAY, 34),
        (WITHIN_5_WORKING_DAYS, 4),
        (OVER_5_WORKING_DAYS, 1),
        (NO_REPLY, 4),
    )
    assert (summary.tested, summary.on_time) == (43, 34)
    assert format_rate(summary.on_time, summary.tested, 0) == "79%"
    assert summary.share([OVER_5_WORKING_DAYS, NO_REPLY], 1) == Decimal("11.6")
    assert set(summary.targets(NO_REPLY)) == {
        "开封市粮食和物资储备局",
        "开封市公安局",
        "开封市生态环境局",
        "开封市乡村振兴局",
    }
    # Re-importing the same file writes nothing.
    again = consultation_tests_import(path, dry_run=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 44)


def test_accounts_failed_sends_and_template_replies(tmp_path: Path) -> None:
    load_demo_registry()
    rows = [
        ["W1", "", "", "抖音", "兰考市场监管", "私信", "问", "2024-05-06 09:00", "是", "",
         "2024-05-06 17:00", "已收到", "模板"],
        ["W2", "", "", "微信公众号", "开封教育体育", "留言", "问", "2024-05-06 09:00", "否",
         "需实名注册", "", "", ""],
        ["W3", "", "", "微信", "开封教育体育", "留言", "问", "2024-05-07 09:00", "是", "",
         "2024-05-07 11:00", "答复了问题", "答复"],
    ]  # fmt: skip
    consultation_tests_import(write_csv(tmp_path / "w.csv", H.TEST_HEADERS, rows))
    stored = ConsultationTest.objects.get(test_id="W2")
    assert stored.site is None and stored.account is not None
    assert stored.account.name == "开封教育体育" and stored.send_failure_reason == "需实名注册"
    summary = consultation_summary(dt.date(2024, 5, 1), dt.date(2024, 5, 31), same_day_profile(3))
    buckets = {r.test.test_id: r.bucket for r in summary.results}
    assert buckets == {"W1": NO_REPLY, "W2": CHANNEL_UNAVAILABLE, "W3": SAME_DAY_REPLY}
    assert format_rate(summary.on_time, summary.tested) == "33.33%"


def test_awaiting_reply_is_left_out_as_of_a_moment(tmp_path: Path) -> None:
    load_demo_registry()
    rows = [["A1", "bm41020030", "", "", "", "我要咨询", "问", "2024-06-07 09:00", "", "", "", "",
             ""]]  # fmt: skip
    consultation_tests_import(write_csv(tmp_path / "a.csv", H.TEST_HEADERS, rows))
    period = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    # 端午 6-10: the 5th working day after Friday 6-7 is Monday 6-17, not 6-14.
    waiting = consultation_summary(*period, as_of=T(2024, 6, 17, 18))
    assert waiting.tested == 0
    late = consultation_summary(*period, as_of=T(2024, 6, 18, 9))
    assert late.count(NO_REPLY) == 1
