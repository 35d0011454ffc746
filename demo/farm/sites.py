"""The six demo sites and the outside hosts they link to, with their planted defects.

One site (dm6) can be fixed while the farm runs: its footer lacks the ICP备案号 (SIT003)
until FarmServer.fix("dm6") or POST /__farm__/fix/dm6 on the farm server, after which
every page carries the full footer (the demo's rectification and re-check).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from demo.farm.build import (
    CONTROL_PREFIX,
    SCAN_DATE,
    Farm,
    FarmHost,
    FarmPage,
    _Column,
    _SiteBuilder,
)
from demo.farm.feeds import FEED_HOST, accounts_truth, feed_pages

# Update windows by column kind (natural days), only to list the planted stale columns in
# the truth file; judging staleness is the indicator checks' job, not the scanner's.
_WINDOWS = {"news": 14, "notice": 183, "policy": 183, "personnel": 365, "topic": 365}
SLOW_DELAY = 0.6  # seconds per answer on the slow site; the demo probe timeout is lower
PROBE_TIMEOUT = 0.3
_WAF_PAGE = b"<html><script>document.cookie='__jsl_clearance=1';location.reload()</script></html>"


def _outside_hosts() -> dict[str, FarmHost]:
    ok = FarmPage(b"<html><title>ok</title><body>ok</body></html>")
    hosts = {
        "www.gov.cn": FarmHost("www.gov.cn", {"/": ok}, default_status=200),
        "bszs.conac.cn": FarmHost("bszs.conac.cn", {"/sitename": ok}, default_status=200),
        "zwfw.dm2-service.com": FarmHost("zwfw.dm2-service.com", {"/": ok}),
        "www.blocked-site.com": FarmHost("www.blocked-site.com", default_status=403),
        "www.ratelimited.com": FarmHost("www.ratelimited.com", default_status=429),
        "www.waf-protected.com": FarmHost(
            "www.waf-protected.com", {"/": FarmPage(_WAF_PAGE, status=521)}, default_status=521
        ),
    }
    hosts["www.gov.cn"].pages["/zhengce/"] = ok
    return hosts


def _columns(rng: random.Random, prefix: str, shapes: list[str]) -> list[_Column]:
    news_age = rng.randint(0, 5)
    return [
        _Column("/xwzx/zwdt/", "政务动态", "news", True, rng.randint(32, 44), news_age, shapes[0]),
        _Column("/zwgk/tzgg/", "通知公告", "notice", True, rng.randint(16, 29), 20, shapes[1]),
        _Column("/zwgk/zcwj/", "政策文件", "policy", False, rng.randint(5, 14), 40, shapes[2]),
        _Column(f"/{prefix}/rsxx/", "人事信息", "personnel", True, 6, 400, shapes[3]),
        _Column("/ztzl/", "专题专栏", "topic", False, 0, 0, shapes[0]),
    ]


def _dm1(rng: random.Random) -> _SiteBuilder:
    site = _SiteBuilder(rng, "dm1", "www.dm1.gov.cn", "示范市人民政府", gbk=False)
    site.columns = _columns(rng, "zwgk", ["iso", "cn", "slash", "dot"])
    site.columns.append(
        _Column("/bmdt/", "部门动态", "news", False, 12, 3, "bracket", cms_urls=False)
    )
    site.columns.append(
        _Column("/jcxx/", "基层信息", "news", True, 4, 1, "published", in_nav=False)
    )
    site.extra_home = [("/hdjl/ldxx/", "领导信箱"), ("/xwzx/old_notice.html", "旧版通知")]
    site.extra_home += [
        ("http://www.dead-link.invalid/", "旧合作网站"),
        ("http://www.gov.cn/", "中国政府网"),
    ]
    for column in site.columns:
        site.build_column(column)
    site.add("/hdjl/ldxx/", site.shell("领导信箱", "<p>写信</p>"))
    site.add_file("/uploads/2024/ok.pdf")
    site.finish()
    site.plant("/", site.url("/xwzx/old_notice.html"), "broken", "旧版通知")
    site.plant("/", "http://www.dead-link.invalid/", "broken", "旧合作网站")
    a1, a2, a3 = site.articles[1], site.articles[3], site.articles[5]
    site.inject(
        a1,
        '<p>附件：<a href="/uploads/2024/plan.pdf">实施方案.pdf</a>'
        ' <a href="/uploads/2024/ok.pdf">名单.pdf</a></p>',
    )
    site.plant(a1, site.url("/uploads/2024/plan.pdf"), "broken", "实施方案.pdf")
    site.inject(
        a2,
        '<p><img src="/images/missing.jpg" alt="现场图片"></p>'
        '<p><a href="http://www.blocked-site.com/page">相关链接</a></p>',
    )
    site.plant(a2, site.url("/images/missing.jpg"), "broken", "现场图片")
    site.plant(a2, "http://www.blocked-site.com/page", "blocked", "相关链接")
    site.inject(
        a3,
        '<p><a href="http://www.ratelimited.com/">参考资料</a>'
        ' <a href="/error500.html">数据查询</a></p>',
    )
    site.plant(a3, "http://www.ratelimited.com/", "blocked", "参考资料")
    site.plant(a3, site.url("/error500.html"), "server_error", "数据查询")
    site.farm_host.pages["/error500.html"] = FarmPage(b"<h1>Internal Server Error</h1>", status=500)
    return site


def _dm2(rng: random.Random) -> _SiteBuilder:
    site = _SiteBuilder(rng, "dm2", "www.dm2.gov.cn", "示范县人民政府", gbk=True)
    site.columns = _columns(rng, "xxgk", ["short", "iso", "cn", "published"])
    for column in site.columns:
        column.pager = "links"
    site.columns.append(_Column("/gsgg/", "公示公告", "notice", True, 7, 10, "iso", undated=True))
    site.footer_id = False  # planted: no 网站标识码 in the footer
    site.meta_id = False
    site.extra_home = [
        ("/hdjl/zxzx/", "在线咨询"),
        ("http://zwfw.dm2-service.com/", "网上办事大厅"),
    ]
    for column in site.columns:
        site.build_column(column)
    site.add("/hdjl/zxzx/", site.shell("在线咨询", "<p>咨询</p>"))
    site.finish()
    article = site.articles[2]
    site.inject(article, '<p>附件：<a href="/attach/notice.doc">通知全文.doc</a></p>')
    site.plant(article, site.url("/attach/notice.doc"), "broken", "通知全文.doc")
    site.farm_host.home_fail_every = 10  # planted: fails 1 probe in 10 (the SIT001 veto)
    return site


def _dm3(rng: random.Random) -> _SiteBuilder:
    site = _SiteBuilder(rng, "dm3", "www.dm3.gov.cn", "示范区人民政府", gbk=False)
    site.columns = _columns(rng, "zwgk", ["cn", "dot", "iso", "slash"])
    site.interaction = False  # planted: no consultation channel (信访 does not count)
    site.extra_home = [("/xfzn/", "网上信访"), ("/rili/?month=2024-07", "活动日历")]
    for column in site.columns:
        site.build_column(column)
    site.add("/xfzn/", site.shell("网上信访", "<p>信访指南</p>"))
    site.finish()
    article = site.articles[4]
    site.inject(article, '<p><a href="http://www.waf-protected.com/">合作单位</a></p>')
    site.plant(article, "http://www.waf-protected.com/", "blocked", "合作单位")
    site.plant_wording(
        site.articles[6],
        "区政府与新疆自治区结对开展对口援助工作。",
        "新疆自治区",
        "新疆维吾尔自治区",
    )
    site.plant_attachment_wording(
        site.articles[7],
        "/uploads/2024/xize.pdf",
        "本细则适用于广西自治区来访考察团的接待工作。",
        "广西自治区",
        "广西壮族自治区",
    )
    return site


def _dm4(rng: random.Random) -> _SiteBuilder:
    site = _SiteBuilder(rng, "dm4", "www.dm4.gov.cn", "示范镇人民政府", gbk=False)
    site.columns = [_Column("/xwzx/zwdt/", "政务动态", "news", True, 6, 2, "iso")]
    site.extra_home = [("/hdjl/ldxx/", "书记信箱")]
    site.build_column(site.columns[0])
    site.add("/hdjl/ldxx/", site.shell("书记信箱", "<p>写信</p>"))
    site.finish()
    site.farm_host.delay = SLOW_DELAY  # planted: slower than the probe timeout
    return site


def _dm6(rng: random.Random) -> _SiteBuilder:
    """The fixable site: clean but for the ICP备案号 missing from its footer, which the
    fix restores (the unit's rectification in the demo, checked again by the re-check)."""
    site = _SiteBuilder(rng, "dm6", "www.dm6.gov.cn", "示范开发区管理委员会", gbk=False)
    site.columns = [
        _Column("/xwzx/gzdt/", "工作动态", "news", True, rng.randint(8, 12), 1, "iso"),
        _Column("/zwgk/tzgg/", "通知公告", "notice", True, 6, 9, "cn"),
        # A TRS WCM list: 38 items over 3 pages, five li per ul, createPageHTML pager.
        _Column("/xwzx/bmdt/", "部门动态", "news", True, 38, 2, "iso", pager="trs"),
        # Titles only in the list; each article shows its date in its header only.
        _Column("/zwgk/gsgg/", "公示公告", "notice", True, 5, 12, "iso", list_dates=False),
    ]
    site.extra_home = [("/hdjl/zxzx/", "在线咨询")]
    site.icp_record = False  # planted: no ICP备案号 in the footer, until the fix
    for column in site.columns:
        site.build_column(column)
    site.add("/hdjl/zxzx/", site.shell("在线咨询", "<p>咨询</p>"))
    site.finish()
    site.fix_footer()
    return site


def build_farm(seed: int = 7) -> Farm:
    """The demo farm for `seed` (same seed, same bytes, same truth)."""
    rng = random.Random(seed)
    builders = [_dm1(rng), _dm2(rng), _dm3(rng), _dm4(rng), _dm6(rng)]
    hosts = _outside_hosts()
    sites: list[dict[str, Any]] = []
    truth_sites: dict[str, Any] = {}
    for site in builders:
        hosts[site.host] = site.farm_host
        sites.append(site.site_spec())
        home_items = [d for _, _, d in site.home_items if (SCAN_DATE - d).days <= 14]
        truth_sites[site.code] = {
            "home_url": site.home,
            "available": site.farm_host.delay < PROBE_TIMEOUT,
            "columns": site.truth_columns,
            "bad_links": sorted(site.bad_links, key=lambda b: (b["page_url"], b["url"])),
            "text_errors": site.text_errors,
            "home_new_items": len(home_items),
            "facts": {
                "site_id_code": site.site_id if site.footer_id else "",
                "icp_record": site.icp_record,
                "interaction_channel": site.interaction,
                "non_gov_business_systems": (
                    ["http://zwfw.dm2-service.com/"] if site.code == "dm2" else []
                ),
                "gov_domain": True,
            },
        }
    # The unreachable site: registered, but nothing answers at its address.
    dead = FarmHost("www.dm5.gov.cn", unreachable=True)
    hosts[dead.host] = dead
    sites.append(
        {
            "code": "dm5",
            "name": "示范乡人民政府",
            "home_url": "http://www.dm5.gov.cn/",
            "columns": [("政务动态", "http://www.dm5.gov.cn/xwzx/zwdt/", "news")],
        }
    )
    truth_sites["dm5"] = {
        "home_url": "http://www.dm5.gov.cn/",
        "available": False,
        "columns": {"http://www.dm5.gov.cn/xwzx/zwdt/": {"error": "broken"}},
        "bad_links": [],
        "text_errors": [],
        "home_new_items": 0,
        "facts": {},
    }
    fixable = {s.code: s.host for s in builders if s.farm_host.fixed_pages}
    truth = {
        "seed": seed,
        "scan_date": SCAN_DATE.isoformat(),
        "probe_timeout": PROBE_TIMEOUT,
        "sites": truth_sites,
        "planted": _planted(truth_sites),
        "accounts": accounts_truth(),
        # What POST /__farm__/fix/<code> removes: the finding (code, on the site) that a
        # scan after the fix no longer reports.
        "fixes": {
            code: {
                "defect": "missing_icp_record",
                "check": "SIT003",
                "control": f"{CONTROL_PREFIX}fix/{code}",
            }
            for code in fixable
        },
    }
    # The demo accounts' feeds, on a host of their own (see feeds.py).
    hosts[FEED_HOST] = FarmHost(
        FEED_HOST,
        {
            path: FarmPage(body, content_type, status)
            for path, (status, content_type, body) in feed_pages(SCAN_DATE).items()
        },
    )
    return Farm(seed, SCAN_DATE, hosts, sites, truth, fixable)


def _planted(truth_sites: dict[str, Any]) -> list[dict[str, str]]:
    """The planted defects as one flat list (for people and the demo; tests use the
    detailed per-site truth)."""
    out: list[dict[str, str]] = []
    for code, site in truth_sites.items():
        if not site["available"]:
            out.append({"site": code, "defect": "unavailable", "target": site["home_url"]})
        for url, column in site["columns"].items():
            if column.get("blank"):
                out.append({"site": code, "defect": "blank_column", "target": url})
            elif "newest_date" in column:
                newest = column["newest_date"]
                window = _WINDOWS.get(column["kind"], 365)
                if newest is None:
                    out.append({"site": code, "defect": "undated_column", "target": url})
                elif (SCAN_DATE - date.fromisoformat(newest)).days > window:
                    out.append({"site": code, "defect": "stale_column", "target": url})
        for bad in site["bad_links"]:
            out.append({"site": code, "defect": f"link_{bad['outcome']}", "target": bad["url"]})
        facts = site["facts"]
        if facts and not facts["site_id_code"]:
            out.append({"site": code, "defect": "missing_site_id_code", "target": code})
        if facts and not facts["icp_record"]:
            out.append({"site": code, "defect": "missing_icp_record", "target": code})
        if facts and not facts["interaction_channel"]:
            out.append({"site": code, "defect": "no_interaction_channel", "target": code})
        for url in facts.get("non_gov_business_systems", []):
            out.append({"site": code, "defect": "non_gov_business_system", "target": url})
    return out
