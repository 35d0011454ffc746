"""List pages in the shapes gov CMSs write them: TRS blocks of five li, headline blocks in
div/p, and the common pagers (createPageHTML with variables, index_N series, Hanweb
?page=N / &pageNum=N)."""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.engine.parse import UrlResolver, parse_page

SCAN = date(2024, 7, 1)
BASE = "http://www.a.gov.cn/xwzx/gzdt/index.html"


def _li(n: int, dated: bool = True) -> str:
    day = f"<span>2024-06-{(n % 28) + 1:02d}</span>" if dated else ""
    return f'<li><a href="./202406/t20240601_{n}.html">工作动态第{n}条</a>{day}</li>'


def _trs_blocks(count: int, dated: bool = True, wrap: bool = True) -> str:
    out = []
    for start in range(0, count, 5):
        ul = "<ul>" + "".join(_li(n, dated) for n in range(start, min(count, start + 5))) + "</ul>"
        out.append(f'<div class="blk">{ul}</div>' if wrap else ul)
    return '<div class="list">' + "".join(out) + "</div>"


def _page(body: str, script: str = "") -> str:
    side = (
        '<div class="side"><ul>'
        + "".join(f'<li><a href="/x/t{n}.html">热点{n}</a></li>' for n in range(6))
        + "</ul></div>"
    )
    return f"<html><head><title>列表</title></head><body>{side}{body}{script}</body></html>"


@pytest.mark.parametrize(
    ("body", "count"),
    [
        (_trs_blocks(8), 8),  # the 8: two blocks
        (_trs_blocks(75), 75),  # and its 75: fifteen blocks
        (_trs_blocks(12, wrap=False), 12),  # ul blocks straight in the list div
        (_trs_blocks(23, dated=False), 23),  # titles only: still every item
    ],
    ids=["8-in-divs", "75-in-divs", "12-bare-uls", "23-undated"],
)
def test_trs_blocks_count_every_item(body: str, count: int) -> None:
    digest = parse_page(_page(body), BASE, UrlResolver(), scan_date=SCAN, want_list=True)
    assert len(digest.items) == count
    assert digest.items[0].title == "工作动态第0条"
    assert all("热点" not in item.title for item in digest.items)


def test_lists_of_other_shapes_are_not_merged_into_the_main_list() -> None:
    other = '<div class="rank"><ul>' + "".join(_li(n) for n in range(100, 104)) + "</ul></div>"
    digest = parse_page(
        _page(_trs_blocks(10) + other), BASE, UrlResolver(), scan_date=SCAN, want_list=True
    )
    assert len(digest.items) == 10


def test_items_written_as_p_blocks() -> None:
    rows = "".join(
        f'<p class="row"><a href="./202406/t2024060{n}_{n}.html">公告{n}</a>'
        f"<span>2024-06-0{n}</span></p>"
        for n in range(1, 8)
    )
    digest = parse_page(
        _page(f'<div class="list">{rows}</div>'),
        BASE,
        UrlResolver(),
        scan_date=SCAN,
        want_list=True,
    )
    assert [i.published for i in digest.items] == [date(2024, 6, n) for n in range(1, 8)]


def test_home_headline_in_a_div_counts() -> None:
    headline = (
        '<div class="headline"><h2><a href="/xwzx/202406/t20240630_9.html">市政府召开常务会议'
        '</a></h2><p>会议研究部署……</p><span class="date">2024-06-30</span></div>'
    )
    short_list = "<ul>" + "".join(_li(n) for n in range(3)) + "</ul>"
    digest = parse_page(
        _page(headline + short_list),
        "http://www.a.gov.cn/",
        UrlResolver(),
        scan_date=SCAN,
        want_list=True,
        want_site=True,
    )
    by_title = {i.title: i.published for i in digest.items}
    assert by_title["市政府召开常务会议"] == date(2024, 6, 30)
    assert len(by_title) == 4


PAGER_CASES = [
    (
        "createPageHTML with variables (TRS WCM 7)",
        BASE,
        "<script>var countPage = 4//共多少页\nvar currentPage = 0;"
        "createPageHTML('page_div', countPage, currentPage, 'index', 'html', 57);</script>",
        ["index_1.html", "index_2.html", "index_3.html"],
    ),
    (
        "createPageHTML literal (older TRS)",
        BASE,
        '<script>createPageHTML(3, 0, "index", "shtml");</script>',
        ["index_1.shtml", "index_2.shtml"],
    ),
    (
        "index_N series from 尾页",
        BASE,
        '<div class="page"><a href="index_1.html">2</a><a href="index_1.html">下一页</a>'
        '<a href="index_5.html">尾页</a></div>',
        [f"index_{n}.html" for n in range(1, 6)],
    ),
    (
        "Hanweb pageNum",
        "http://www.a.gov.cn/col/col123/index.html?uid=456&pageNum=1",
        '<div><a href="index.html?uid=456&pageNum=2">下页</a>'
        '<a href="index.html?uid=456&pageNum=4">尾页</a></div>',
        [f"index.html?uid=456&pageNum={n}" for n in (2, 3, 4)],
    ),
    (
        "?page=N",
        "http://www.a.gov.cn/news/list.jsp?page=1",
        '<a href="list.jsp?page=2">下一页</a><a href="list.jsp?page=3">末页</a>',
        ["list.jsp?page=2", "list.jsp?page=3"],
    ),
]


@pytest.mark.parametrize(
    ("base", "pager", "pages"),
    [case[1:] for case in PAGER_CASES],
    ids=[case[0] for case in PAGER_CASES],
)
def test_pagers(base: str, pager: str, pages: list[str]) -> None:
    digest = parse_page(
        _page(_trs_blocks(5), pager), base, UrlResolver(), scan_date=SCAN, want_list=True
    )
    folder = base.split("?", 1)[0].rsplit("/", 1)[0] + "/"
    assert list(digest.pagination) == [folder + page for page in pages]


def test_a_pager_to_another_column_is_not_this_list() -> None:
    pager = '<a href="/other/index_2.html">下一页</a><a href="/x/list.jsp?page=2">2</a>'
    digest = parse_page(
        _page(_trs_blocks(5), pager), BASE, UrlResolver(), scan_date=SCAN, want_list=True
    )
    assert digest.pagination == ()
