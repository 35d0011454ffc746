"""Site facts from the home page: footer marks, metadata tags, domains, channels, entries.

Evidence is kept as text (the mark found, the URL of the channel) so a reviewer can check
a finding without re-crawling. Missing marks are empty strings, not guesses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govwatch.engine.parse.page import PageDigest
from govwatch.engine.parse.types import Link
from govwatch.engine.parse.urls import host_of

SITE_META_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
_GOV_IDN = "xn--" + "政务".encode("punycode").decode("ascii")  # the .政务 Chinese gov suffix
_CJK = "\u4e00-\u9fa5"
# The filing marks are read on NFKC text: full-width colons, digits, letters and dashes
# ("：", "１", "ＩＣＰ", "－") come out ASCII, so the patterns below need only one form.
_SITE_ID = re.compile(r"网站(?:标识|识别)码\s*(?:为\s*)?:?\s*([A-Za-z0-9]{10})(?![A-Za-z0-9])")
_ICP_NUMBER = r"\d{4,12}\s*号?(?:\s*[-—–]\s*\d{1,3}(?:\s*号)?)?"
_ICP = re.compile(
    # 京ICP备05070218号-1, 京ICP证030173号, 京 ICP 备 05070218 号, ICP备案号：京ICP备…
    rf"[{_CJK}]\s*ICP\s*[备証证]\s*(?:案\s*)?(?:编?号\s*)?:?\s*{_ICP_NUMBER}"
    rf"|ICP\s*备案\s*(?:编?号)?\s*:?\s*(?:[{_CJK}]\s*ICP\s*[备証证]\s*)?{_ICP_NUMBER}",
    re.IGNORECASE,
)
# A public-security record number has 14 digits; 8 to 16 tolerates the odd old one while
# "办理公安备案手续" in a sentence (no number) never counts.
_POLICE_NUMBER = r"\d{8,16}\s*号?"
_POLICE = re.compile(
    # 京公网安备 11010502030143号, 公安备案号：…, 公安机关备案号…, 公安备案 11010502030143
    rf"(?:[{_CJK}]\s*)?公\s*网\s*安\s*备\s*(?:案\s*)?(?:编?号\s*)?:?\s*{_POLICE_NUMBER}"
    rf"|公\s*安\s*(?:机\s*关\s*)?(?:网\s*站\s*)?备\s*案\s*(?:编?号\s*)?:?\s*"
    rf"(?:[{_CJK}]\s*公网安备\s*)?{_POLICE_NUMBER}"
)
# 主办单位：, 主办：, 主 办：, 网站主办：, 主办机关：; 主办方： only in a footer block, where it is
# the site's operator and not an event's organiser in a news sentence.
_OPERATOR_NAME = r"([^\s|｜,，。;；:：/／]{2,40})"
_OPERATOR_FOOTER = re.compile(
    r"主\s*办\s*(?:单\s*位|方|机\s*关|部\s*门)?\s*[:：]\s*"
    + _OPERATOR_NAME
    + r"|由\s*([^\s|｜,，。;；:：由]{2,40}?)\s*主办"
)
_OPERATOR_BODY = re.compile(r"主\s*办\s*(?:单\s*位|机\s*关|部\s*门)?\s*[:：]\s*" + _OPERATOR_NAME)
# What follows the operator's name when a footer runs its fields together.
_OPERATOR_END = re.compile(
    r"承\s*办|协\s*办|技术支持|运行维护|运维|维护单位|联系|电话|地址|邮编|邮箱|网站标识码|标识码|"
    r"备案|版权|ICP|Copyright|©",
    re.IGNORECASE,
)
_BODY_TAIL = 2000  # without the operator in the footer, only the page's bottom is read
_PHONE = re.compile(r"(?:联系电话|电话|联系方式)\s*[:：]\s*([0-9（）()\-\s]{7,20}\d)")
_INTERACTION = re.compile(r"留言|信箱|咨询|互动|建言|献策|来信|问政|民意征集")
# W-V5a: special channels do not count as a consultation channel.
_SPECIAL_CHANNEL = re.compile(r"信访|纪检|举报|监察")
_ACCESSIBILITY = re.compile(r"无障碍|适老化|长者|关怀版|老年模式|读屏|助老")
# Business systems are recognised by the link's role: its text names a service hall or an
# application system (what the link is), never by words inside a news headline.
_SYSTEM_ROLE = re.compile(
    r"办事大厅|服务大厅|网上大厅|政务大厅|一网通办|一网办|政务服务|公共资源交易|"
    r"(?:网上|在线|掌上|移动)(?:办事|办理|服务|审批|申报|缴费|查询|预约|交易|受理)|"
    r"(?:办事|服务|申报|查询|审批|业务|填报|缴费|交易|受理|预约|登记|办公|报名)"
    r"(?:系统|平台|大厅|专区)"
)
# Weaker words, a business system only in a navigation or service block.
_BUSINESS = re.compile(r"办事|服务大厅|政务服务|网上办|申报|交易|审批|缴费|业务系统|服务平台|查询")
# A headline: a document title, a sentence, a report of an event.
_HEADLINE = re.compile(
    r"^关于|[《》“”\"「」【】，。！？；]|"
    r"(?:通知|通告|公告|公示|通报|意见|办法|方案|规定|决定|细则|报告|批复|纪要|讲话|要点|解读|"
    r"简报|新闻|动态|会议|工作)$|"
    r"召开|举行|举办|开展|部署|推进|印发|做好|出席|调研|视察|会见|座谈|启动|开幕|闭幕|答记者问"
)
_MAX_SYSTEM_NAME = 26
_PARTY_MARK = re.compile(r"conac\.cn|dzjg|党政机关")


@dataclass(frozen=True, slots=True)
class SiteFacts:
    site_id_code: str = ""  # 网站标识码 shown in the footer
    icp_record: str = ""  # ICP备案号
    police_record: str = ""  # 公安机关备案号
    party_gov_mark: bool = False  # 党政机关网站标识
    operating_unit: str = ""  # 主办单位
    contact: str = ""  # 联系方式
    site_meta: tuple[tuple[str, str], ...] = ()
    missing_site_meta: tuple[str, ...] = ()
    gov_domain: bool = False
    https: bool = False
    business_systems: tuple[str, ...] = ()
    non_gov_business_systems: tuple[str, ...] = ()
    interaction_channel: str = ""  # URL of a consultation channel, "" when none
    site_search: bool = False
    accessibility_entry: str = ""  # URL or text of the 适老化/无障碍 entry
    columns_missing_meta: tuple[str, ...] = ()  # column pages without a ColumnName tag


def site_facts_from_stored(data: Mapping[str, object]) -> SiteFacts:
    """Read back the JSON a scan run stored (``dataclasses.asdict``: lists for tuples);
    keys that are not fields (an older or newer scan) are ignored."""
    values: dict[str, Any] = {}
    for name in SiteFacts.__dataclass_fields__:
        if name in data:
            value = data[name]
            if isinstance(value, list | tuple):
                value = tuple(tuple(v) if isinstance(v, list | tuple) else v for v in value)
            values[name] = value
    return SiteFacts(**values)


def is_gov_domain(host: str) -> bool:
    """gov.cn (or the Chinese .政务 suffix) — required of sites and business systems."""
    name = host.lower().rstrip(".")
    return name == "gov.cn" or name.endswith((".gov.cn", "." + _GOV_IDN, ".政务"))


def _first(pattern: re.Pattern[str], text: str, group: int = 0) -> str:
    match = pattern.search(text)
    return re.sub(r"\s+", "", match.group(group)) if match else ""


def _operator(footer: str, text: str) -> str:
    """主办单位 from the footer; from the page's bottom only when the footer has none."""
    for pattern, where in ((_OPERATOR_FOOTER, footer), (_OPERATOR_BODY, text[-_BODY_TAIL:])):
        for match in pattern.finditer(where):
            name = next((g for g in match.groups() if g), "")
            name = _OPERATOR_END.split(name, maxsplit=1)[0].strip()
            if len(name) >= 2:
                return name
    return ""


def is_business_system(link: Link, in_block: bool, listed: bool) -> bool:
    """Whether LINK opens a business system (业务系统): a service hall or an application
    system by what its text says the link is for. IN_BLOCK: the link sits in a navigation or
    service block; LISTED: it is an item of a news list (a headline, whatever its words)."""
    text = re.sub(r"\s+", "", link.text)
    if link.kind != "a" or listed or not text or len(text) > _MAX_SYSTEM_NAME:
        return False
    if _HEADLINE.search(text):
        return False
    return bool(_SYSTEM_ROLE.search(text) or (in_block and _BUSINESS.search(text)))


def extract_site_facts(
    home: PageDigest | None,
    home_url: str,
    site_hosts: Iterable[str],
    business_systems: Sequence[str] = (),
    column_pages: Sequence[PageDigest] = (),
) -> SiteFacts:
    hosts = {h.lower() for h in site_hosts}
    home_host = host_of(home_url)
    base = SiteFacts(gov_domain=is_gov_domain(home_host), https=home_url.startswith("https:"))
    if home is None:
        return base
    # The footer first: a number quoted in a news item must not win over the footer's own.
    marks_text = unicodedata.normalize("NFKC", f"{home.footer_text} {home.text}")
    meta = tuple((name, home.meta_value(name)) for name in SITE_META_TAGS if home.meta_value(name))
    found_systems: dict[str, None] = dict.fromkeys(business_systems)
    block_urls = {link.url for link in (*home.nav_links, *home.service_links)}
    listed_urls = {item.url for item in home.items}
    interaction = accessibility = ""
    party_mark = bool(
        _PARTY_MARK.search(home.footer_text)
        or any(_PARTY_MARK.search(ref) for ref in home.script_refs)
    )
    for link in home.links:
        text = link.text
        if link.url.startswith("unsupported:"):
            continue
        external = host_of(link.url) not in hosts
        if external and is_business_system(link, link.url in block_urls, link.url in listed_urls):
            found_systems.setdefault(link.url, None)
        if (
            not interaction
            and link.kind == "a"
            and _INTERACTION.search(text)
            and not _SPECIAL_CHANNEL.search(text)
        ):
            interaction = link.url
        if not accessibility and _ACCESSIBILITY.search(text):
            accessibility = link.url
        if not party_mark and _PARTY_MARK.search(f"{link.url} {text}"):
            party_mark = True
    if not accessibility:
        accessibility = _first(_ACCESSIBILITY, home.text)
    systems = tuple(found_systems)
    return SiteFacts(
        site_id_code=_first(_SITE_ID, marks_text, 1),
        icp_record=_first(_ICP, marks_text),
        police_record=_first(_POLICE, marks_text),
        party_gov_mark=party_mark,
        operating_unit=_operator(home.footer_text, home.text),
        contact=_first(_PHONE, marks_text, 1) or ("联系我们" if "联系我们" in marks_text else ""),
        site_meta=meta,
        missing_site_meta=tuple(n for n in SITE_META_TAGS if not home.meta_value(n)),
        gov_domain=base.gov_domain,
        https=base.https,
        business_systems=systems,
        non_gov_business_systems=tuple(u for u in systems if not is_gov_domain(host_of(u))),
        interaction_channel=interaction,
        site_search=home.search_form
        or any("search" in link.url.lower() or "搜索" in link.text for link in home.links),
        accessibility_entry=accessibility,
        columns_missing_meta=tuple(p.url for p in column_pages if not p.meta_value("ColumnName")),
    )
