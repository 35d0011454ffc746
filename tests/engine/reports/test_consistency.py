"""The consistency checker on the seeds' stated figures: exactly the ten known mismatches."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from govwatch.engine.reports.consistency import (
    Const,
    Names,
    Rows,
    StatedCount,
    StatedNameCount,
    StatedQuarter,
    StatedRate,
    Sum,
    check,
)
from tests.helpers import SEEDS, expected

from .seed_statements import run_seed_checks

# fixtures/seeds/README.md, "Figures that do NOT reconcile".
KNOWN = {
    "001.body.review_cases",
    "001.body.reviews_concluded",
    "001.body.litigation_cases",
    "002.body.info_received",
    "002.quota_rule_reproduces_verdicts",
    "003.body.new_media_pass_rate",
    "003.body.excellent_accounts",
    "003.body.portal_submitted",
    "003.body.portal_adoption_rate_table_base",
    "004.body.ticket_quarter_label",
}


def test_readme_lists_the_same_ten() -> None:
    if not (SEEDS / "README.md").is_file():
        pytest.skip(f"共享种子数据不存在：{SEEDS}（需要 shared/ 与仓库并列）")
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    section = readme.split("do NOT reconcile")[1].split("Other defects")[0]
    assert set(re.findall(r"^\| `([^`]+)`", section, flags=re.M)) == KNOWN


def test_seed_checks_report_exactly_the_ten() -> None:
    found, covered = run_seed_checks()
    refs = [f.ref for f in found]
    assert sorted(refs) == sorted(KNOWN), [str(f) for f in found]
    # Every figure the seeds state that rows can recompute is checked, not only the ten.
    ids = {c["id"]: c for d in expected()["documents"].values() for c in d["checks"]}
    derivable = {i for i, c in ids.items() if c["kind"] != "stated_only"}
    assert derivable <= covered
    assert len(covered) > 100


def test_messages_carry_both_numbers() -> None:
    found, _ = run_seed_checks()
    by_ref = {f.ref: f for f in found}
    review = by_ref["001.body.review_cases"]
    assert (review.stated, review.computed) == (5, 11)
    assert "5" in review.message_zh and "11" in review.message_zh
    rate = by_ref["003.body.new_media_pass_rate"]
    assert (rate.stated, rate.computed) == (Decimal("98.9"), Decimal("99.0"))
    assert "291/294" in rate.message_zh
    assert (
        by_ref["003.body.excellent_accounts"].stated,
        by_ref["003.body.excellent_accounts"].computed,
    ) == (15, 16)
    quota = by_ref["002.quota_rule_reproduces_verdicts"]
    assert "市民政局" in quota.message_zh and quota.stated == 7
    quarter = by_ref["004.body.ticket_quarter_label"]
    assert (quarter.stated, quarter.computed) == (3, 2)
    for item in found:
        assert str(item.stated) in item.message_zh and str(item.computed) in item.message_zh


def test_rules_on_small_data() -> None:
    data = {"t": [{"unit": "甲", "n": 3}, {"unit": "乙", "n": 4}]}
    assert check(data, StatedCount("x", "合计", 7, Sum(Rows("t"), "n"))) == []
    [bad] = check(data, StatedCount("x", "合计", 8, Sum(Rows("t"), "n")))
    assert (bad.stated, bad.computed) == (8, 7)
    assert (
        check(data, StatedRate("r", "占比", Decimal("42.9"), Const(3), Sum(Rows("t"), "n"), 1))
        == []
    )
    truncated = StatedRate(
        "r", "占比", Decimal("42.8"), Const(3), Sum(Rows("t"), "n"), 1, "truncate"
    )
    assert check(data, truncated) == []
    assert check(data, StatedNameCount("c", "名单", 2, Names(Rows("t"), "unit"))) == []
    assert check(data, StatedQuarter("q", "季度", "第二季度", 2)) == []
