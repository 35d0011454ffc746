"""The page text the content checks read is what a reader sees: no script, style, noscript,
template or hidden block; a browser-captured page with huge inline CSS shows its words first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from aiohttp import web

from demo.loopback import LoopbackServer
from govwatch.engine.crawl import ScanConfig, SiteSpec, scan_site
from govwatch.engine.crawl.textscan import page_text_hits
from govwatch.engine.fetch import FetchConfig
from govwatch.engine.parse import PageDigest, UrlResolver, parse_page

SCAN = date(2024, 7, 1)
URL = "http://www.v.gov.cn/"
WRONG = "新疆自治区"  # a wrong expression the text checks flag (serious)
CSS_RULE = ".x-a1b2c3 { margin: 0 auto; font-family: 'Microsoft YaHei'; color: #333 } "
# 72,000 characters of inline CSS ahead of the first word, as a browser's "save page" writes.
CAPTURED_CSS = CSS_RULE * (72000 // len(CSS_RULE) + 1)
ARTICLE = (
    "<h1>关于推介会的通知</h1><div class='info'>发布日期：2024-06-28 来源：市政府办公室</div>"
    "<div class='content'><p>推介会定于七月举行。</p></div>"
)
CAPTURED = (
    f"<html><head><style>{CAPTURED_CSS}</style></head><body>"
    f"<style>{CAPTURED_CSS}</style>"
    f"<script>var notice = '推介会在{WRONG}举行。'; if (a < b && c > d) {{ go(); }}</script>"
    f"<noscript><style>.nojs {{ display: block }}</style><p>请启用脚本</p></noscript>"
    f"{ARTICLE}<script type='text/template'><p>{WRONG}</p></script></body></html>"
)


def _digest(html: str, **flags: bool) -> PageDigest:
    return parse_page(html, URL, UrlResolver(), scan_date=SCAN, **({"want_text": True} | flags))


def test_captured_page_shows_its_words_first() -> None:
    assert len(CAPTURED) > 2 * 72000
    digest = _digest(CAPTURED)
    assert digest.text.startswith("关于推介会的通知 发布日期：2024-06-28")
    assert "{" not in digest.text and "margin" not in digest.text
    assert WRONG not in digest.text and "go()" not in digest.text
    assert "请启用脚本" not in digest.text
    # The content checks see nothing of the script's text...
    assert [h for h in page_text_hits(URL, digest.text) if h.text == WRONG] == []
    # ...and they would have flagged it in the page's own words (this test can fail).
    shown = _digest(CAPTURED.replace("推介会定于七月举行", f"推介会在{WRONG}举行"))
    assert [h.text for h in page_text_hits(URL, shown.text) if h.text == WRONG] == [WRONG]


def test_the_cap_applies_to_visible_text() -> None:
    words = "政府信息公开工作年度报告。" * 3000  # 39,000 visible characters
    digest = _digest(f"<body><style>{CAPTURED_CSS}</style><p>{words}</p><p>末尾</p></body>")
    assert len(digest.text) == 20000
    assert digest.text.startswith("政府信息公开工作年度报告。")


HIDDEN_CASES = [
    ("hidden attribute", "<div hidden><p>{x}</p></div>"),
    ("aria-hidden", '<div aria-hidden="true">{x}</div>'),
    ("aria-hidden upper case", '<span aria-hidden="TRUE">{x}</span>'),
    ("display none", '<div style="display:none">{x}</div>'),
    ("display none spaced", '<div style="color: red; DISPLAY : None ;">{x}</div>'),
    ("visibility hidden", '<p style="visibility: hidden">{x}</p>'),
    ("hidden twice over", '<div hidden style="display:none" aria-hidden="true">{x}</div>'),
    ("template", "<template><p>{x}</p></template>"),
    ("noscript", "<noscript><p>{x}</p></noscript>"),
    ("style", "<style>/* {x} */ p {{ color: red }}</style>"),
    ("script", "<script>document.write('{x}');</script>"),
    ("json script", '<script type="application/ld+json">{{"name": "{x}"}}</script>'),
    (
        "nested in hidden",
        '<div hidden><div><script>1</script><span style="display:none">{x}</span>{x}</div></div>',
    ),
    (
        "script in hidden in visible",
        '<div><div style="display:none"><script>var a="{x}"</script>{x}</div></div>',
    ),
]


@pytest.mark.parametrize(("name", "block"), HIDDEN_CASES, ids=[c[0] for c in HIDDEN_CASES])
def test_hidden_blocks_are_not_text(name: str, block: str) -> None:
    html = f"<html><body><p>前文</p>{block.format(x=WRONG)}<p>后文</p></body></html>"
    digest = _digest(html, want_site=True)
    assert digest.text == "前文 后文", name


SHOWN_CASES = [
    ("aria-hidden false", '<div aria-hidden="false">{x}</div>'),
    ("display block", '<div style="display:block">{x}</div>'),
    ("a class named hidden-xs", '<div class="hidden-xs">{x}</div>'),
    ("a hidden input beside", '<input type="hidden" value="1"><span>{x}</span>'),
]


@pytest.mark.parametrize(("name", "block"), SHOWN_CASES, ids=[c[0] for c in SHOWN_CASES])
def test_shown_blocks_stay(name: str, block: str) -> None:
    html = f"<html><body><p>前文</p>{block.format(x=WRONG)}<p>后文</p></body></html>"
    assert _digest(html).text == f"前文 {WRONG} 后文", name


def test_hidden_tabs_still_give_links_items_and_pages() -> None:
    """Only the text is what a reader sees: a hidden tab's list still counts, its links are
    still checked, and the pager written by a script is still followed."""
    html = (
        "<html><body><div class='tabs'><ul><li><a href='/a/1.html'>要闻一</a>"
        "<span>2024-06-28</span></li><li><a href='/a/2.html'>要闻二</a><span>2024-06-27</span>"
        "</li></ul><ul style='display:none'><li><a href='/b/3.html'>公告三</a>"
        "<span>2024-06-26</span></li></ul></div>"
        "<div class='page'><script>createPageHTML(3, 0, 'index', 'html');</script></div>"
        "<div class='footer'><p>主办单位：某市人民政府办公室</p>"
        "<script>document.write('<p>技术支持：某公司</p>');</script></div></body></html>"
    )
    digest = parse_page(
        html, URL, UrlResolver(), scan_date=SCAN, want_list=True, want_site=True, want_text=True
    )
    assert "公告三" not in digest.text and "要闻一" in digest.text
    assert "http://www.v.gov.cn/b/3.html" in {link.url for link in digest.links}
    assert "http://www.v.gov.cn/b/3.html" in {item.url for item in digest.items}
    assert len(digest.pagination) == 2
    assert digest.footer_text == "主办单位：某市人民政府办公室"  # not the script's text
    assert PageDigest.from_json(digest.to_json()) == digest


def test_footer_is_the_page_tail_without_a_footer_block() -> None:
    body = "<p>" + "新闻正文。" * 1000 + "</p><p>主办：某县人民政府办公室 京ICP备05070218号-1</p>"
    digest = _digest(f"<html><body>{body}</body></html>", want_site=True)
    assert digest.footer_text.endswith("主办：某县人民政府办公室 京ICP备05070218号-1")
    assert len(digest.footer_text) <= 1500


def test_script_urls_are_kept_for_the_marks() -> None:
    """The 党政机关 mark is written by a script; its URL is kept though the text is not."""
    mark = (
        "<span id='_ideConac'></span><script type='text/javascript'>document.write(unescape("
        "\"%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='http://dcs.conac.cn/js/33/000/"
        "0000/60429971/CA330000000604299710001.js' type='text/javascript'%3E%3C/script%3E\"));"
        "</script><script src='/js/jquery.min.js'></script>"
    )
    digest = _digest(f"<html><body><div class='footer'>{mark}</div></body></html>", want_site=True)
    assert "conac" not in digest.footer_text
    assert digest.script_refs == (
        "http://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710001.js",
        "/js/jquery.min.js",
    )


def test_old_digests_read_back() -> None:
    stored = _digest("<body><p>正文</p></body>", want_site=True).to_json()
    del stored["svc"], stored["scripts"]
    old = PageDigest.from_json(stored)
    assert old.service_links == () and old.script_refs == () and old.text == "正文"


class _Pages(LoopbackServer):
    def __init__(self, pages: dict[str, str]) -> None:
        super().__init__()
        self.pages = pages

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        html = self.pages.get(request.path)
        if html is None:
            return web.Response(status=404, text="not found")
        return web.Response(text=html, content_type="text/html", charset="utf-8")


@pytest.fixture()
def site() -> Iterator[_Pages]:
    home = (
        "<html><head><title>某市人民政府</title></head><body>"
        f"<style>{CAPTURED_CSS}</style><a href='/art/1.html'>关于推介会的通知</a>"
        "<div class='footer'>主办单位：某市人民政府办公室</div></body></html>"
    )
    with _Pages({"/": home, "/art/1.html": CAPTURED}) as running:
        yield running


def test_the_crawl_never_checks_javascript(site: _Pages) -> None:
    host = "www.v.gov.cn"
    config = ScanConfig(
        fetch=FetchConfig(
            host_map=((host, f"127.0.0.1:{site.port}"),),
            allow_hosts=("127.0.0.0/8",),
            retries=0,
            total_timeout=10.0,
        ),
        scan_date=SCAN,
        probe_count=0,
        check_text=True,
    )
    result = scan_site(SiteSpec("v", "某市人民政府", f"http://{host}/"), config)
    assert result.stats.pages_parsed == 2
    assert [h for h in result.text_hits if WRONG in h.text or "{" in h.context] == []
    site.pages["/art/1.html"] = CAPTURED.replace("推介会定于七月举行", f"推介会在{WRONG}举行")
    again = scan_site(SiteSpec("v", "某市人民政府", f"http://{host}/"), config)
    assert {h.url for h in again.text_hits if h.text == WRONG} == {f"http://{host}/art/1.html"}
