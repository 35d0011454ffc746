"""HTML -> PageDigest: everything later stages need from one page, small and JSON-able.

The digest, not the HTML, is what the crawl state keeps, so an unchanged page (304, or the
same content hash) is never parsed again: its digest is reused as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govwatch.engine.parse.columns import extract_items, extract_pagination
from govwatch.engine.parse.types import FOOTER_SELECTOR, NAV_SELECTOR, Link, ListItem
from govwatch.engine.parse.urls import PageResolver, UrlResolver

_LINK_SELECTOR = "a[href], area[href], img[src], iframe[src], frame[src]"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PageDigest:
    url: str
    title: str = ""
    links: tuple[Link, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    nav_links: tuple[Link, ...] = ()
    footer_text: str = ""
    text: str = ""  # visible text: the home page, and every page when text is checked
    items: tuple[ListItem, ...] = ()
    pagination: tuple[str, ...] = ()
    encoding: str = ""
    search_form: bool = False  # a site-search form (home page only)

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
        )


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


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
    footer_text = ""
    text = ""
    search_form = False
    if want_site:
        search_form = any(_is_search_form(form) for form in tree.css("form"))
        nav_nodes: list[LexborNode] = []
        for container in tree.css(NAV_SELECTOR):
            nav_nodes.extend(container.css("a[href]"))
        nav_links = _links(nav_nodes, page)
        footer_text = " ".join(
            clean_text(node.text(separator=" ")) for node in tree.css(FOOTER_SELECTOR)
        )[:4000]
    if want_site or want_text:
        body = tree.body
        text = clean_text(body.text(separator=" ")) if body is not None else ""
        text = text[:20000]
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
    )


def _is_search_form(form: LexborNode) -> bool:
    action = (form.attributes.get("action") or "").lower()
    if "search" in action or "sousuo" in action or "jansearch" in action:
        return True
    for field in form.css("input"):
        name = (field.attributes.get("name") or "").lower()
        if name in {"q", "searchword", "keyword", "keywords", "query", "wd", "sw"}:
            return True
    return "搜索" in form.text() or "检索" in form.text()
