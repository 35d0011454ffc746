"""Site facts from the home page: footer marks, metadata tags, domains, channels, entries.

Evidence is kept as text (the mark found, the URL of the channel) so a reviewer can check
a finding without re-crawling. Missing marks are empty strings, not guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govwatch.engine.parse.page import PageDigest
from govwatch.engine.parse.urls import host_of

SITE_META_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
_GOV_IDN = "xn--" + "政务".encode("punycode").decode("ascii")  # the .政务 Chinese gov suffix
_SITE_ID = re.compile(r"网站标识码\s*[:：]?\s*([A-Za-z0-9]{10})(?![A-Za-z0-9])")
_ICP = re.compile(r"[\u4e00-\u9fa5]ICP[备証证]\s*\d+\s*号(?:\s*-\s*\d+)?")
_POLICE = re.compile(r"[\u4e00-\u9fa5]公网安备\s*\d+\s*号")
_OPERATOR = re.compile(r"主办(?:单位)?\s*[:：]\s*([^\s|｜,，。;；:：]{2,40})")
_PHONE = re.compile(r"(?:联系电话|电话|联系方式)\s*[:：]\s*([0-9（）()\-\s]{7,20}\d)")
_INTERACTION = re.compile(r"留言|信箱|咨询|互动|建言|献策|来信|问政|民意征集")
# W-V5a: special channels do not count as a consultation channel.
_SPECIAL_CHANNEL = re.compile(r"信访|纪检|举报|监察")
_ACCESSIBILITY = re.compile(r"无障碍|适老化|长者|关怀版|老年模式|读屏|助老")
_BUSINESS = re.compile(r"办事|服务大厅|政务服务|网上办|申报|交易|审批|缴费|业务系统|服务平台")
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
    marks_text = f"{home.footer_text} {home.text}"
    meta = tuple((name, home.meta_value(name)) for name in SITE_META_TAGS if home.meta_value(name))
    found_systems: dict[str, None] = dict.fromkeys(business_systems)
    interaction = accessibility = ""
    party_mark = bool(_PARTY_MARK.search(home.footer_text))
    for link in home.links:
        text = link.text
        if link.url.startswith("unsupported:"):
            continue
        external = host_of(link.url) not in hosts
        if external and link.kind == "a" and _BUSINESS.search(text):
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
        operating_unit=_first(_OPERATOR, marks_text, 1),
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
