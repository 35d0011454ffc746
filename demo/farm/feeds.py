"""Demo new-media accounts: RSS feeds served by the farm on one virtual host, with planted
problems and their truth.

The accounts belong to the farm's province and are collected by feed (采集方式 订阅源).
Posts run up to the end of the scan date's quarter, the monitoring point of the demo
inspection, so each account's verdict is decided by what is planted:

- 示范发布: a post every two days — 合格;
- 示范交警: silent for the last 20 days — NMA001 (two weeks without an update), 不合格;
- 示范文旅: the feed now calls it 示范文旅发布 — NMA007 (name changed, warning);
- 示范教育: one post says 「新疆自治区」 — TXT001 (serious expression error), 不合格;
- 示范卫健: the feed answers 500 — 无法判定, never 不合格.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from govwatch.engine.clock import BEIJING
from govwatch.engine.periods import period_dates, quarter_label

FEED_HOST = "newmedia.demo.gov.cn"
WRONG_TITLE = "新疆自治区教育代表团来示范省交流职业教育"


@dataclass(frozen=True)
class DemoAccount:
    name: str
    platform: str  # registry label (docs/registry_format.md)
    path: str
    feed_title: str
    silent_days: int = 0  # no post in the last N days before the monitoring point
    status: int = 200
    wrong_title: bool = False
    expect_codes: tuple[str, ...] = ()
    expect_verdict: str = "qualified"  # qualified | unqualified | unknown


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("示范发布", "微信公众号", "/feeds/fabu.xml", "示范发布"),
    DemoAccount(
        "示范交警",
        "新浪微博",
        "/feeds/jiaojing.xml",
        "示范交警的微博",
        silent_days=20,
        expect_codes=("NMA001",),
        expect_verdict="unqualified",
    ),
    DemoAccount(
        "示范文旅", "抖音", "/feeds/wenlv.xml", "示范文旅发布的抖音", expect_codes=("NMA007",)
    ),
    DemoAccount(
        "示范教育",
        "微信公众号",
        "/feeds/jiaoyu.xml",
        "示范教育",
        wrong_title=True,
        expect_codes=("TXT001",),
        expect_verdict="unqualified",
    ),
    DemoAccount(
        "示范卫健",
        "新浪微博",
        "/feeds/weijian.xml",
        "示范卫健的微博",
        status=500,
        expect_verdict="unknown",
    ),
)


def quarter_end(day: date) -> date:
    """Last day of ``day``'s quarter: the demo inspection's monitoring point."""
    return period_dates(quarter_label(day))[1]


def _rss(account: DemoAccount, point: date) -> bytes:
    start = date(point.year, (point.month - 1) // 3 * 3 + 1, 1) - timedelta(days=20)
    last = point - timedelta(days=account.silent_days)
    items = []
    day, number = start, 0
    while day <= last:
        number += 1
        moment = datetime(day.year, day.month, day.day, 9, 30, tzinfo=BEIJING)
        title = f"{account.name}工作动态（第{number}期）"
        if account.wrong_title and number == 30:  # one post, inside the quarter
            title = WRONG_TITLE
        link = f"https://mp.example.cn/{account.path.rsplit('/', 1)[-1][:-4]}/{number}"
        items.append(
            f"<item><title>{escape(title)}</title><link>{link}</link>"
            f"<guid>{link}</guid><pubDate>{format_datetime(moment)}</pubDate></item>"
        )
        day += timedelta(days=2)
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(account.feed_title)}</title><link>https://mp.example.cn/</link>"
        + "".join(reversed(items))
        + "</channel></rss>"
    )
    return body.encode("utf-8")


def feed_pages(scan_date: date) -> dict[str, tuple[int, str, bytes]]:
    """Path → (status, content type, body) of every demo feed."""
    point = quarter_end(scan_date)
    pages: dict[str, tuple[int, str, bytes]] = {}
    for account in ACCOUNTS:
        if account.status != 200:
            pages[account.path] = (account.status, "text/plain; charset=utf-8", b"server error")
        else:
            pages[account.path] = (200, "application/rss+xml; charset=utf-8", _rss(account, point))
    return pages


def accounts_truth() -> dict[str, Any]:
    return {a.name: {"codes": list(a.expect_codes), "verdict": a.expect_verdict} for a in ACCOUNTS}


def registry_rows(owner: str) -> list[list[str]]:
    """Rows of the registry's 账号 table (docs/registry_format.md) for the demo accounts."""
    rows = [
        [
            "平台",
            "账号名称",
            "账号ID",
            "开设主体",
            "主管单位",
            "运行状态",
            "已在全国系统报送",
            "采集方式",
            "订阅源地址",
            "有互动功能",
        ]
    ]
    for a in ACCOUNTS:
        url = f"http://{FEED_HOST}{a.path}"
        rows.append([a.platform, a.name, "", owner, owner, "正常运行", "是", "订阅源", url, "是"])
    return rows
