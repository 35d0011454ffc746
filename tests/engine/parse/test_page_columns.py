from __future__ import annotations

from datetime import date

from govwatch.engine.parse import PageDigest, UrlResolver, parse_page

SCAN = date(2024, 7, 1)
LIST_PAGE = """<html><head><title>通知公告</title>
<meta name="ColumnName" content="通知公告"><meta name="PubDate" content="2099-01-01"></head>
<body><div class="header"><ul><li><a href="/">首页</a></li></ul></div>
<div id="nav"><ul><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="position">当前位置：<ul><li><a href="/">首页</a></li><li><a href="./">通知公告</a></li></ul></div>
<div class="side"><ul><li><a href="/xwzx/">新闻中心</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>
<table class="list"><tr><td><a href="./202406/t20240628_1.html" title="关于2024年5月1日放假安排的通知（全文）">关于2024年5月1日放假...</a></td><td>[06-28]</td></tr>
<tr><td><a href="./202406/t20240601_2.html">公示</a></td><td>2024年6月1日</td></tr>
<tr><td><a href="./202405/t20240503_3.html">公告</a></td><td></td></tr></table>
<div class="page"><script>createPageHTML(3, 0, "index", "shtml");</script><a href="index_1.shtml">下一页</a></div>
<div class="footer"><ul><li><a href="/about/">关于我们</a></li></ul></div></body></html>"""


def test_list_items_dates_and_pagination() -> None:
    url = "http://www.a.gov.cn/zwgk/tzgg/index.shtml"
    digest = parse_page(LIST_PAGE, url, UrlResolver(), scan_date=SCAN, want_list=True)
    assert [(i.title, i.published) for i in digest.items] == [
        ("关于2024年5月1日放假安排的通知（全文）", date(2024, 6, 28)),  # not 5月1日 from the title
        ("公示", date(2024, 6, 1)),
        ("公告", None),
    ]
    assert digest.pagination == (
        "http://www.a.gov.cn/zwgk/tzgg/index_1.shtml",
        "http://www.a.gov.cn/zwgk/tzgg/index_2.shtml",
    )
    assert digest.meta_value("columnname") == "通知公告"
    assert PageDigest.from_json(digest.to_json()) == digest


def test_blank_column_with_sidebar_has_no_items() -> None:
    html = LIST_PAGE.split('<table class="list">')[0] + "<p>暂无信息</p></body></html>"
    url = "http://www.a.gov.cn/zwgk/tzgg/"
    digest = parse_page(html, url, UrlResolver(), scan_date=SCAN, want_list=True)
    assert digest.items == ()


def test_home_digest_keeps_nav_footer_text_and_search() -> None:
    html = LIST_PAGE.replace("</body>", '<form action="/search/"><input name="q"></form></body>')
    digest = parse_page(
        html, "http://www.a.gov.cn/", UrlResolver(), scan_date=SCAN, want_list=True, want_site=True
    )
    assert [link.text for link in digest.nav_links] == ["新闻中心", "政务公开"]
    assert "关于我们" in digest.footer_text
    assert digest.search_form
    assert len(digest.items) == 2  # the dated items of every list on the page
