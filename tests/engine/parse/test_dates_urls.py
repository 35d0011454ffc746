from __future__ import annotations

from datetime import date

import pytest

from govwatch.engine.parse import UrlResolver, find_date, normalize_url

SCAN = date(2024, 7, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-06-28", date(2024, 6, 28)),
        ("2024年6月28日", date(2024, 6, 28)),
        ("2024 年 06 月 28 日", date(2024, 6, 28)),
        ("2024/6/28", date(2024, 6, 28)),
        ("2024.06.28", date(2024, 6, 28)),
        ("[06-28]", date(2024, 6, 28)),
        ("06-28", date(2024, 6, 28)),
        ("6月28日", date(2024, 6, 28)),
        ("12-30", date(2023, 12, 30)),  # after the scan date: last year
        ("07-02", date(2024, 7, 2)),  # one day of slack
        ("发布时间：2024-06-28 10:35", date(2024, 6, 28)),
        ("2024-13-40", None),
        ("第2024号", None),
        ("", None),
    ],
)
def test_date_shapes(text: str, expected: date | None) -> None:
    assert find_date(text, SCAN) == expected


def test_short_date_takes_the_year_from_the_url() -> None:
    url = "http://www.a.gov.cn/zwdt/202312/t20231230_1.html"
    assert find_date("[12-30]", SCAN, url) == date(2023, 12, 30)
    assert find_date("[12-30]", date(2025, 1, 5), url) == date(2023, 12, 30)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("a.html", "http://www.a.gov.cn/zwgk/tzgg/a.html"),
        ("./b/c.html", "http://www.a.gov.cn/zwgk/tzgg/b/c.html"),
        ("../x.html", "http://www.a.gov.cn/zwgk/x.html"),
        ("../../../../x.html", "http://www.a.gov.cn/x.html"),
        ("/y.html#top", "http://www.a.gov.cn/y.html"),
        ("?page=2", "http://www.a.gov.cn/zwgk/tzgg/index.html?page=2"),
        ("HTTP://WWW.B.GOV.CN:80/z", "http://www.b.gov.cn/z"),
        ("https://c.gov.cn:443", "https://c.gov.cn/"),
        ("//d.gov.cn/p", "http://d.gov.cn/p"),
        ("文件 1.pdf", "http://www.a.gov.cn/zwgk/tzgg/%E6%96%87%E4%BB%B6%201.pdf"),
        ("javascript:void(0)", None),
        ("JavaScript:openWin()", None),
        ("mailto:x@a.gov.cn", None),
        ("#", None),
        ("ftp://x.gov.cn/a", "unsupported:ftp://x.gov.cn/a"),
    ],
)
def test_resolver(href: str, expected: str | None) -> None:
    base = "http://www.a.gov.cn/zwgk/tzgg/index.html"
    resolver = UrlResolver()
    assert resolver.resolve(base, href) == expected
    assert resolver.resolve(base, href) == expected  # memoised answer is the same


def test_normalize_rejects_non_http() -> None:
    assert normalize_url("file:///etc/passwd") is None
    assert normalize_url("http://") is None
    assert normalize_url("http://例子.政务/a") == "http://xn--fsqu00a.xn--zfr164b/a"
