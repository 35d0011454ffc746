"""Site facts from home pages written in the shapes real government templates use: filing and
operator lines in their variants, business systems recognised by the link's role."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.checks.site import sit004_non_gov_domain as sit004
from govwatch.engine.crawl.models import SiteSpec
from govwatch.engine.parse import UrlResolver, parse_page
from govwatch.engine.site.facts import SiteFacts, extract_site_facts
from govwatch.engine.site.observation import StoredScan, site_observation

SCAN = date(2024, 7, 1)
HOME = "http://www.v.gov.cn/"
NEWS = (
    "<div class='news'><ul><li><a href='/xwzx/1.html'>市政府召开常务会议</a>"
    "<span>2024-06-28</span></li></ul></div>"
)


def _facts(body: str, footer: str | None = "") -> SiteFacts:
    foot = "" if footer is None else f"<div class='footer'>{footer}</div>"
    html = f"<html><head><title>某市人民政府</title></head><body>{body}{foot}</body></html>"
    digest = parse_page(html, HOME, UrlResolver(), scan_date=SCAN, want_list=True, want_site=True)
    return extract_site_facts(digest, HOME, ["www.v.gov.cn"])


FILING_CASES = [
    # (footer line, field, expected value)
    ("京公网安备 11010502030143号", "police_record", "京公网安备11010502030143号"),
    ("京公网安备　11010502030143号", "police_record", "京公网安备11010502030143号"),
    ("公安备案号：11010502030143", "police_record", "公安备案号:11010502030143"),
    ("公安备案号:11010502030143号", "police_record", "公安备案号:11010502030143号"),
    ("公安机关备案号：11010502030143号", "police_record", "公安机关备案号:11010502030143号"),
    ("公安备案 11010502030143", "police_record", "公安备案11010502030143"),
    (
        "公安备案号：京公网安备11010502030143号",
        "police_record",
        "公安备案号:京公网安备11010502030143号",
    ),
    ("京公网安备：１１０１０５０２０３０１４３号", "police_record", "京公网安备:11010502030143号"),
    ("京ICP备05070218号-1", "icp_record", "京ICP备05070218号-1"),
    ("京ICP备05070218号－1", "icp_record", "京ICP备05070218号-1"),
    ("京ICP备05070218号", "icp_record", "京ICP备05070218号"),
    ("京 ICP 备 05070218 号 - 1", "icp_record", "京ICP备05070218号-1"),
    ("京ＩＣＰ备05070218号", "icp_record", "京ICP备05070218号"),
    ("ICP备案号：京ICP备05070218号-1", "icp_record", "ICP备案号:京ICP备05070218号-1"),
    ("京ICP证030173号", "icp_record", "京ICP证030173号"),
    ("网站标识码：1100000088", "site_id_code", "1100000088"),
    ("网站标识码 bm01000001", "site_id_code", "bm01000001"),
    ("主办单位：某市人民政府办公室", "operating_unit", "某市人民政府办公室"),
    (
        "主办单位：某市人民政府办公室（某市大数据局）",
        "operating_unit",
        "某市人民政府办公室（某市大数据局）",
    ),
    ("主办方：某市人民政府办公室", "operating_unit", "某市人民政府办公室"),
    ("网站主办：某市人民政府办公室", "operating_unit", "某市人民政府办公室"),
    ("主 办：某市人民政府办公室", "operating_unit", "某市人民政府办公室"),
    ("主办: 某市人民政府办公室 | 承办：某市大数据中心", "operating_unit", "某市人民政府办公室"),
    (
        "主办单位：某市人民政府办公室承办单位：某市大数据中心",
        "operating_unit",
        "某市人民政府办公室",
    ),
    ("主办单位：某市人民政府办公室联系电话：0371-1234567", "operating_unit", "某市人民政府办公室"),
    ("本网站由某市人民政府办公厅主办", "operating_unit", "某市人民政府办公厅"),
    ("主办机关：某县人民政府", "operating_unit", "某县人民政府"),
]


@pytest.mark.parametrize(
    ("line", "field", "expected"), FILING_CASES, ids=[c[0] for c in FILING_CASES]
)
def test_filing_and_operator_variants(line: str, field: str, expected: str) -> None:
    facts = _facts(NEWS, f"<p>版权所有：某市人民政府</p><p>{line}</p>")
    assert getattr(facts, field) == expected


NOT_MARKS = [
    # (where: body or footer, text, field) -> the field stays empty
    ("body", "<p>请各单位于月底前完成公安备案手续。</p>", "police_record"),
    ("footer", "<p>公安备案：办理中</p>", "police_record"),
    ("body", "<p>《互联网ICP备案管理办法》解读</p>", "icp_record"),
    ("body", "<p>活动主办方：省发展改革委，承办方：市商务局。</p>", "operating_unit"),
    ("body", "<p>论坛由省文化和旅游厅主办。</p>", "operating_unit"),
    ("footer", "<p>主办单位：</p>", "operating_unit"),
]


@pytest.mark.parametrize(("where", "html", "field"), NOT_MARKS, ids=[c[1] for c in NOT_MARKS])
def test_sentences_are_not_marks(where: str, html: str, field: str) -> None:
    facts = _facts(NEWS + html, "<p>联系我们</p>") if where == "body" else _facts(NEWS, html)
    assert getattr(facts, field) == ""


def test_the_footer_wins_over_the_body() -> None:
    body = (
        "<div class='content'><p>本次论坛主办单位：省发展改革委。</p>"
        "<p>转载自某网 沪ICP备99999999号 沪公网安备31010102002533号</p></div>"
    )
    facts = _facts(
        body, "<p>主办单位：某市人民政府办公室 京ICP备05070218号-1 京公网安备11010502030143号</p>"
    )
    assert facts.operating_unit == "某市人民政府办公室"
    assert facts.icp_record == "京ICP备05070218号-1"
    assert facts.police_record == "京公网安备11010502030143号"


def test_without_a_footer_block_the_bottom_of_the_page_is_read() -> None:
    body = (
        NEWS
        + "<div class='content'><p>活动主办方：省发展改革委。</p>"
        + "<p>正文。</p>" * 800
        + "</div><div class='db'><p>主办：某县人民政府办公室 京ICP备05070218号-1</p></div>"
    )
    facts = _facts(body, None)
    assert facts.operating_unit == "某县人民政府办公室"
    assert facts.icp_record == "京ICP备05070218号-1"


def test_a_hidden_or_scripted_footer_line_is_not_shown() -> None:
    footer = (
        "<p style='display:none'>主办单位：某旧单位</p><p>主办单位：某市人民政府办公室</p>"
        "<script>var icp = '京ICP备05070218号';</script>"
    )
    facts = _facts(NEWS, footer)
    assert facts.operating_unit == "某市人民政府办公室"
    assert facts.icp_record == ""


def test_the_party_mark_written_by_a_script_counts() -> None:
    mark = (
        "<span id='_ideConac'></span><script>document.write(unescape(\"%3Cscript src='"
        "http://dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710001.js'%3E"
        '%3C/script%3E"));</script>'
    )
    assert _facts(NEWS, f"<p>主办单位：某市人民政府</p>{mark}").party_gov_mark
    assert not _facts(NEWS, "<p>主办单位：某市人民政府</p>").party_gov_mark


SYSTEM_CASES = [
    # (home page body, the link's URL, counted as a business system)
    ('<p><a href="{u}">网上办事大厅</a></p>', "http://zwfw.v-service.com/", True),
    ('<div class="nav"><a href="{u}">政务服务网</a></div>', "http://www.v-zwfw.com/", True),
    ('<p><a href="{u}">公共资源交易平台</a></p>', "http://ggzy.v-jy.com/", True),
    ('<p><a href="{u}">企业申报系统</a></p>', "http://sb.v-qy.com/login", True),
    ('<p><a href="{u}">不动产登记查询系统</a></p>', "http://cx.v-bdc.com/", True),
    ('<p><a href="{u}">在线审批</a></p>', "http://sp.v-sp.com/", True),
    ('<p><a href="{u}"> 网上 办事 </a></p>', "http://bs.v-bs.com/", True),
    ('<div class="bsfw"><a href="{u}">办事</a></div>', "http://bs.v-bs.com/", True),
    (
        '<div class="box"><h3>便民服务</h3><ul><li><a href="{u}">水电缴费</a></li></ul></div>',
        "http://jf.v-pay.com/",
        True,
    ),
    (
        '<p><a href="{u}">关于做好审批服务工作的通知</a></p>',
        "http://news.v-mirror.com/a/1.html",
        False,
    ),
    (
        '<p><a href="{u}">市政府召开政务服务工作会议</a></p>',
        "http://news.v-mirror.com/a/2.html",
        False,
    ),
    (
        '<p><a href="{u}">审批服务便民化改革答记者问</a></p>',
        "http://news.v-mirror.com/a/3.html",
        False,
    ),
    ('<p><a href="{u}">《政务服务事项清单》</a></p>', "http://news.v-mirror.com/a/4.html", False),
    (
        '<p><a href="{u}">我市推进“一网通办”，办事更便捷</a></p>',
        "http://news.v-mirror.com/a/5.html",
        False,
    ),
    (
        '<div class="list"><ul><li><a href="{u}">网上办事大厅上线试运行</a>'
        "<span>2024-06-27</span></li></ul></div>",
        "http://news.v-mirror.com/a/6.html",
        False,
    ),
    ('<p><a href="{u}">办事</a></p>', "http://bs.v-bs.com/", False),  # a bare word, not a role
    ('<p><a href="{u}">学习强国平台</a></p>', "http://www.xuexi.cn/", False),
    (
        '<div class="bsfw"><a href="{u}">关于做好审批服务工作的通知</a></div>',
        "http://n.v-m.com/",
        False,
    ),
]


@pytest.mark.parametrize(
    ("body", "url", "system"), SYSTEM_CASES, ids=[f"{c[2]}-{c[0][:40]}" for c in SYSTEM_CASES]
)
def test_business_systems_by_link_role(body: str, url: str, system: bool) -> None:
    facts = _facts(NEWS + body.format(u=url), "<p>主办单位：某市人民政府办公室</p>")
    assert facts.non_gov_business_systems == ((url,) if system else ())
    assert facts.business_systems == facts.non_gov_business_systems


def test_a_gov_domain_service_hall_is_a_system_on_the_right_domain() -> None:
    facts = _facts(NEWS + '<p><a href="https://zwfw.v.gov.cn/">网上办事大厅</a></p>')
    assert facts.business_systems == ("https://zwfw.v.gov.cn/",)
    assert facts.non_gov_business_systems == ()


def _sit004(facts: SiteFacts) -> list[str]:
    site = SiteSpec("v", "某市人民政府", HOME)
    scan = StoredScan(SCAN, True, None, dataclasses.asdict(facts), ())
    obs = site_observation(site, scan, columns=(), links=(), probes=())
    ctx = CheckContext(monitoring_point=datetime(2024, 7, 1, 10))
    return [f.target_id for f in sit004.INDICATOR.run(obs, ctx, sit004.Params(), "warning")]


def test_sit004_news_title_off_domain_is_no_finding_a_service_hall_is() -> None:
    news = '<p><a href="http://news.v-mirror.com/a/1.html">关于做好审批服务工作的通知</a></p>'
    hall = '<p><a href="http://zwfw.v-service.com/">网上办事大厅</a></p>'
    assert _sit004(_facts(NEWS + news)) == []
    assert _sit004(_facts(NEWS + news + hall)) == ["http://zwfw.v-service.com/"]
