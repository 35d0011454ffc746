"""HTML -> PageDigest: everything later stages need from one page, small and JSON-able.

The digest, not the HTML, is what the crawl state keeps, so an unchanged page (304, or the
same content hash) is never parsed again: its digest is reused as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govwatch.engine.parse.columns import extract_items, extract_pagination
from govwatch.engine.parse.types import FOOTER_SELECTOR, NAV_SELECTOR, Link, ListItem
from govwatch.engine.parse.urls import PageResolver, UrlResolver
from govwatch.engine.parse.visible import clean_text, outermost, visible_copy

__all__ = ["PageDigest", "clean_text", "parse_page"]

_LINK_SELECTOR = "a[href], area[href], img[src], iframe[src], frame[src]"
# Service blocks (办事服务, 政务服务, 网上办事, 便民服务) by the names gov CMS templates give them;
# a link there is offered for its purpose, unlike a headline in a news list.
_SERVICE_SELECTOR = (
    "[class*=bsfw], [id*=bsfw], [class*=zwfw], [id*=zwfw], [class*=wsbs], [id*=wsbs], "
    "[class*=banshi], [id*=banshi], [class*=fuwu], [id*=fuwu], [class*=bmfw], [id*=bmfw], "
    "[class*=service], [id*=service]"
)
_HEADING_SELECTOR = "h1, h2, h3, h4, h5, h6, dt, [class*=tit]"
_SERVICE_HEADING = re.compile(
    r"^(?:办事服务|政务服务|网上办事|在线办事|便民服务|公共服务|特色服务|办事大厅|服务大厅|"
    r"业务系统|网上服务|在线服务|服务导航|办事指南|我要办)$"
)
# URLs a script loads or writes: the 党政机关网站标识 is usually written by one (conac.cn).
_SCRIPT_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s'\"<>()\\]*")
_MAX_SCRIPT_REFS = 40
_TEXT_LIMIT = 20000
_FOOTER_LIMIT = 4000
_TAIL = 1500  # the bottom of a page whose template names no footer block


@dataclass(frozen=True, slots=True)
class PageDigest:
    url: str
    title: str = ""
    links: tuple[Link, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    nav_links: tuple[Link, ...] = ()
    footer_text: str = ""  # visible text of the footer blocks (the page's tail without one)
    text: str = ""  # visible text: the home page, and every page when text is checked
    items: tuple[ListItem, ...] = ()
    pagination: tuple[str, ...] = ()
    encoding: str = ""
    search_form: bool = False  # a site-search form (home page only)
    service_links: tuple[Link, ...] = ()  # links in service blocks (home page only)
    script_refs: tuple[str, ...] = ()  # URLs the page's scripts load or write (home only)

    def meta_value(self, name: str) -> str:
        low = name.lower()
        for key, value in self.meta:
            if key.lower() == low:
                return value
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "links": [[x.url, x.text, x.kind] for x in self.links],
            "meta": [list(m) for m in self.meta],
            "nav": [[x.url, x.text, x.kind] for x in self.nav_links],
            "footer": self.footer_text,
            "text": self.text,
            "items": [
                [i.title, i.url, i.published.isoformat() if i.published else None]
                for i in self.items
            ],
            "pages": list(self.pagination),
            "enc": self.encoding,
            "search": self.search_form,
            "svc": [[x.url, x.text, x.kind] for x in self.service_links],
            "scripts": list(self.script_refs),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageDigest:
        return cls(
            url=data["url"],
            title=data.get("title", ""),
            links=tuple(Link(u, t, k) for u, t, k in data.get("links", ())),
            meta=tuple((k, v) for k, v in data.get("meta", ())),
            nav_links=tuple(Link(u, t, k) for u, t, k in data.get("nav", ())),
            footer_text=data.get("footer", ""),
            text=data.get("text", ""),
            items=tuple(
                ListItem(t, u, date.fromisoformat(d) if d else None)
                for t, u, d in data.get("items", ())
            ),
            pagination=tuple(data.get("pages", ())),
            encoding=data.get("enc", ""),
            search_form=bool(data.get("search", False)),
            service_links=tuple(Link(u, t, k) for u, t, k in data.get("svc", ())),
            script_refs=tuple(data.get("scripts", ())),
        )


def _links(nodes: list[LexborNode], page: PageResolver) -> tuple[Link, ...]:
    seen: set[str] = set()
    out: list[Link] = []
    for node in nodes:
        tag = node.tag
        attrs = node.attrs
        if tag == "a" or tag == "area":
            href, kind = attrs.get("href"), "a"
        else:
            href, kind = attrs.get("src"), "img" if tag == "img" else "frame"
        if not href:
            continue
        url = page.resolve(href)
        if url is None or url in seen:
            continue
        seen.add(url)
        if kind == "a":
            text = node.text(deep=True, strip=True) or attrs.get("title") or ""
        else:
            text = attrs.get("alt") or attrs.get("title") or ""
        if len(text) > 120 or "  " in text or "\n" in text or "\t" in text:
            text = clean_text(text)[:120]
        out.append(Link(url, text, kind))
    return tuple(out)


def parse_page(
    html: str,
    url: str,
    resolver: UrlResolver,
    *,
    scan_date: date,
    want_list: bool = False,
    want_site: bool = False,
    want_text: bool = False,
    encoding: str = "",
) -> PageDigest:
    """Digest one HTML page. `want_list` extracts list items and pagination (column pages,
    home page); `want_site` keeps navigation, footer and visible text (home page)."""
    tree = LexborHTMLParser(html)
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        resolved = resolver.resolve(url, base_node.attributes.get("href") or "")
        if resolved and not resolved.startswith("unsupported:"):
            base = resolved
    title_node = tree.css_first("title")
    title = clean_text(title_node.text()) if title_node is not None else ""
    meta = tuple(
        (name, clean_text(node.attributes.get("content") or "")[:300])
        for node in tree.css("meta[name]")
        if (name := node.attributes.get("name") or "")
    )
    page = resolver.page(base)
    links = _links(tree.css(_LINK_SELECTOR), page)
    nav_links: tuple[Link, ...] = ()
    service_links: tuple[Link, ...] = ()
    script_refs: tuple[str, ...] = ()
    footer_text = ""
    text = ""
    search_form = False
    if want_site:
        search_form = any(_is_search_form(form) for form in tree.css("form"))
        nav_nodes: list[LexborNode] = []
        for container in tree.css(NAV_SELECTOR):
            nav_nodes.extend(container.css("a[href]"))
        nav_links = _links(nav_nodes, page)
        service_links = _links(_service_anchors(tree), page)
        script_refs = _script_refs(tree)
    body = tree.body
    if (want_site or want_text) and body is not None:
        # On a copy: the list and pager extraction below read hidden tabs and pager scripts.
        shown = visible_copy(body)
        full = clean_text(shown.text(separator=" "))
        text = full[:_TEXT_LIMIT]
        if want_site:
            footer_text = _footer_text(shown, full)
    items: tuple[ListItem, ...] = ()
    pagination: tuple[str, ...] = ()
    if want_list:
        pagination = extract_pagination(tree, html, base, resolver)
        items = extract_items(tree, base, resolver, scan_date, all_groups=want_site)
    return PageDigest(
        url=url,
        title=title,
        links=links,
        meta=meta,
        nav_links=nav_links,
        footer_text=footer_text,
        text=text,
        items=items,
        pagination=pagination,
        encoding=encoding,
        search_form=search_form,
        service_links=service_links,
        script_refs=script_refs,
    )


def _footer_text(shown: LexborNode, full: str) -> str:
    """The visible footer blocks; without any, the tail of the page, where footers sit."""
    # Outermost blocks only: a footer holding a .copyright div is read once.
    blocks = [clean_text(n.text(separator=" ")) for n in outermost(shown.css(FOOTER_SELECTOR))]
    text = " ".join(b for b in blocks if b)
    if not text:
        return full[-_TAIL:]
    return text[:_FOOTER_LIMIT]


def _service_anchors(tree: LexborHTMLParser) -> list[LexborNode]:
    """Anchors in service blocks: named by class/id, or headed 办事服务/政务服务…"""
    anchors: list[LexborNode] = []
    for container in tree.css(_SERVICE_SELECTOR):
        anchors.extend(container.css("a[href]"))
    for heading in tree.css(_HEADING_SELECTOR):
        if not _SERVICE_HEADING.match(heading.text(deep=True, strip=True)):
            continue
        block = heading.parent
        if block is None or block.tag in ("body", "html"):
            continue
        anchors.extend(
            a for a in block.css("a[href]") if a.text(strip=True) != heading.text(strip=True)
        )
    return anchors


def _script_refs(tree: LexborHTMLParser) -> tuple[str, ...]:
    refs: dict[str, None] = {}
    for script in tree.css("script"):
        src = script.attributes.get("src")
        if src:
            refs.setdefault(src.strip()[:200], None)
        # document.write(unescape("%3Cscript src='//dcs.conac.cn/...'")): the URL is escaped.
        for found in _SCRIPT_URL.findall(unquote(script.text(deep=True))):
            refs.setdefault(found[:200], None)
        if len(refs) >= _MAX_SCRIPT_REFS:
            break
    return tuple(refs)[:_MAX_SCRIPT_REFS]


def _is_search_form(form: LexborNode) -> bool:
    action = (form.attributes.get("action") or "").lower()
    if "search" in action or "sousuo" in action or "jansearch" in action:
        return True
    for field in form.css("input"):
        name = (field.attributes.get("name") or "").lower()
        if name in {"q", "searchword", "keyword", "keywords", "query", "wd", "sw"}:
            return True
    return "搜索" in form.text() or "检索" in form.text()
