"""重要信息转载: reprints found through changed prefixes and tags; similar titles are not."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.reprint import (
    Candidate,
    KeyItem,
    ReprintTarget,
    check_reprints,
    normalize_title,
    titles_match,
)

KEY = "关于做好2024年春节期间安全生产工作的通知"


@pytest.mark.parametrize(
    "reprinted",
    [
        KEY,
        f"转载：{KEY}",
        f"转载:{KEY}",
        f"转发｜{KEY}",
        f"【重要信息】{KEY}",
        f"【转载】 {KEY}",
        f"{KEY}（来源：河南省人民政府网）",
        f"{KEY} 来源：省应急管理厅",
        f"{KEY}_开封市人民政府网",
        "转载：【关注】“关于做好2024年春节期间安全生产工作的通知”",
        "关于做好２０２４年春节期间安全生产工作的通知",  # full-width digits
        "关于做好 2024 年春节期间安全生产工作的通知。",
    ],
)
def test_reprint_variants_match(reprinted: str) -> None:
    assert titles_match(KEY, reprinted)


@pytest.mark.parametrize(
    "other",
    [
        "关于做好2024年国庆期间安全生产工作的通知",
        "关于做好2024年春节期间安全生产工作的补充通知",
        "关于做好2024年春节期间安全生产工作的通知的解读",
        "关于做好2023年春节期间安全生产工作的通知",
        "春节期间安全生产",
        "",
    ],
)
def test_different_items_do_not_match(other: str) -> None:
    assert not titles_match(KEY, other)


def test_normalize_title() -> None:
    assert normalize_title("【转载】转发：Ａ 类 事项 —— 通知（来源：省政府）") == "a类事项通知"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def test_on_time_late_missing_per_unit() -> None:
    site_a = ReprintTarget("site", "www.lankao.gov.cn", "兰考县人民政府办公室")
    site_b = ReprintTarget("site", "www.qixian.gov.cn", "杞县人民政府办公室")
    account_c = ReprintTarget("account", "wx-wmjq", "杞县人民政府办公室")
    account_d = ReprintTarget("account", "wx-hmxz", "尉氏县人民政府办公室")
    item = KeyItem(
        "K1",
        KEY,
        "https://www.henan.gov.cn/k1.html",
        date(2024, 2, 1),
        date(2024, 2, 5),
        (site_a, site_b, account_c, account_d),
    )
    candidates = [
        # On the deadline day itself, late in the evening: still on time.
        Candidate(
            "site", "www.lankao.gov.cn", f"转载：{KEY}", "https://a/1", _at(date(2024, 2, 5), 23)
        ),
        # Late, and an on-time but different item with a similar title that must not count.
        Candidate(
            "site", "www.qixian.gov.cn", f"【转载】{KEY}", "https://b/1", _at(date(2024, 2, 8))
        ),
        Candidate(
            "site",
            "www.qixian.gov.cn",
            "关于做好2024年春节期间安全生产工作的补充通知",
            "https://b/0",
            _at(date(2024, 2, 2)),
        ),
        # An older post with the same words (before the item existed) is not its reprint.
        Candidate("account", "wx-wmjq", KEY, "https://c/0", _at(date(2023, 2, 1))),
        # Right title, wrong target: it is account D's duty, not C's.
        Candidate("account", "wx-other", KEY, "https://x/1", _at(date(2024, 2, 2))),
        Candidate(
            "account", "wx-hmxz", f"{KEY}（来源：河南发布）", "https://d/1", _at(date(2024, 2, 3))
        ),
    ]
    results = {r.target.target_id: r for r in check_reprints([item], candidates)}
    assert results["www.lankao.gov.cn"].status == "on_time"
    assert results["www.qixian.gov.cn"].status == "late"
    assert results["www.qixian.gov.cn"].days_late == 3
    assert results["www.qixian.gov.cn"].found_url == "https://b/1"
    assert results["wx-wmjq"].status == "missing"
    assert results["wx-hmxz"].status == "on_time"
    assert results["wx-hmxz"].found_on == date(2024, 2, 3)


def test_the_source_page_is_not_a_reprint() -> None:
    target = ReprintTarget("site", "www.henan.gov.cn", "省政府办公厅")
    item = KeyItem(
        "K2", KEY, "https://www.henan.gov.cn/k1.html", date(2024, 2, 1), date(2024, 2, 5), (target,)
    )
    own = Candidate(
        "site", "www.henan.gov.cn", KEY, "https://www.henan.gov.cn/k1.html", _at(date(2024, 2, 1))
    )
    assert check_reprints([item], [own])[0].status == "missing"
