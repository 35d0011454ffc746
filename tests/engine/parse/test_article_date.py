"""Article publish dates: the header's labelled date nearest the title wins over sidebars,
comment widgets, footers and body text; the PubDate meta only as a flagged fallback."""

from __future__ import annotations

from datetime import date

import pytest

from govwatch.engine.parse.article import FROM_LABEL, FROM_META, extract_article_date

SCAN = date(2024, 10, 1)
BIG_CSS = "<style>" + ".x{color:red;} /* 发布时间：2020-01-01 */ " * 3000 + "</style>"


def _page(body: str, head: str = "") -> str:
    return (
        f"<html><head><title>关于开展安全生产专项检查的通知_示范市人民政府</title>{head}</head>"
        f'<body><div class="header"><h1 class="logo">示范市人民政府</h1>'
        f"<span>今天是2024年10月1日 时间：2024-10-01</span></div>{body}"
        '<div class="footer">更新时间：2024-09-30 日期：2024-09-29</div></body></html>'
    )


TITLE = "<h1>关于开展安全生产专项检查的通知</h1>"
CASES = [
    (
        "label under the title",
        _page(TITLE + '<div class="info">发布时间：2024-06-28 10:30 来源：市应急局</div>'),
        date(2024, 6, 28),
        FROM_LABEL,
        "发布时间",
    ),
    (
        "sidebar comment date first in the page",
        _page(
            '<div class="liuyan-box"><p>时间：2024-09-01</p></div>'
            '<div class="side"><ul><li>发布日期：2024-09-20</li></ul></div>'
            + TITLE
            + "<p>发布日期：2024年6月3日</p>"
        ),
        date(2024, 6, 3),
        FROM_LABEL,
        "发布日期",
    ),
    (
        "留言时间 is not a bare 时间",
        _page(TITLE + "<div>留言时间：2024-09-01</div><div>日期：2024/5/6</div>"),
        date(2024, 5, 6),
        FROM_LABEL,
        "日期",
    ),
    (
        "label and date in separate elements",
        _page(TITLE + '<p><span class="l">成文日期：</span><span>2024.03.15</span></p>'),
        date(2024, 3, 15),
        FROM_LABEL,
        "成文日期",
    ),
    (
        "bracketed label in a table header (xxgk)",
        _page(
            '<table class="xxgk"><tr><td>索引号：000-2024-01</td><td>生成日期：</td>'
            "<td>【2024-02-29】</td></tr></table>" + TITLE
        ),
        date(2024, 2, 29),
        FROM_LABEL,
        "生成日期",
    ),
    (
        "huge inline css before the header",
        _page(BIG_CSS + TITLE + "<p>发布时间：2024-07-09</p>"),
        date(2024, 7, 9),
        FROM_LABEL,
        "发布时间",
    ),
    (
        "only the meta: fallback, flagged",
        _page(TITLE + "<p>正文</p>", '<meta name="PubDate" content="2024-04-01 09:00">'),
        date(2024, 4, 1),
        FROM_META,
        "",
    ),
    (
        "label wins over the meta",
        _page(TITLE + "<p>时间：2024-04-02</p>", '<meta name="publishdate" content="2024-12-31">'),
        date(2024, 4, 2),
        FROM_LABEL,
        "时间",
    ),
    (
        "a 时间 far down in the body is not the header",
        _page(
            TITLE + "<p>" + "正文内容。" * 200 + "</p><p>会议时间：2024-05-05</p>"
            "<p>时间：2024-05-06</p>",
            '<meta name="PubDate" content="2024-04-30">',
        ),
        date(2024, 4, 30),
        FROM_META,
        "",
    ),
    (
        "title named by class, date above it in the header block",
        _page(
            '<div class="art"><p>发布时间：2024-08-08</p><div class="article-title">'
            "关于开展安全生产专项检查的通知</div><p>浏览次数：12</p></div>"
        ),
        date(2024, 8, 8),
        FROM_LABEL,
        "发布时间",
    ),
]


@pytest.mark.parametrize(
    ("html", "published", "source", "label"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_article_date(html: str, published: date, source: str, label: str) -> None:
    found = extract_article_date(html, SCAN)
    assert found is not None
    assert (found.published, found.source, found.label) == (published, source, label)


def test_no_date_anywhere() -> None:
    assert extract_article_date(_page(TITLE + "<p>正文，没有日期。</p>"), SCAN) is None
    assert extract_article_date("", SCAN) is None
    assert extract_article_date("<html><body></body></html>", SCAN) is None


def test_label_without_a_date_right_after_it_is_skipped() -> None:
    html = _page(
        TITLE + "<p>时间：上午九点，地点：三楼，2024-05-05前报名</p><p>发布日期：2024-05-01</p>"
    )
    found = extract_article_date(html, SCAN)
    assert found is not None and found.published == date(2024, 5, 1)
