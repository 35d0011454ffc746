"""Column list pages: the listed items (title, URL, visible date) and the pagination.

Gov CMS templates differ, so the list is found by shape, not by class name: repeated
li/tr/dd elements with a link, grouped by their parent, after navigation, header, footer
and breadcrumbs are cut away. The group with the most dated items wins. Dates come from
the item's visible text outside the link (a title may itself mention a date), never from
meta tags.
"""

from __future__ import annotations

import re
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govwatch.engine.parse.dates import find_date
from govwatch.engine.parse.types import (
    CRUMB_SELECTOR,
    FOOTER_SELECTOR,
    HEADER_SELECTOR,
    NAV_SELECTOR,
    ListItem,
)
from govwatch.engine.parse.urls import UNSUPPORTED_PREFIX, UrlResolver

_PAGER_WORDS = frozenset(
    {"下一页", "下页", "尾页", "末页", "上一页", "上页", "后页", "前页", ">", ">>"}
)
# TRS-style CMSs write the pager with script: createPageHTML(total, current, "index", "html").
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,"
    r"\s*['\"](\w+)['\"]"
)
_INDEX_TAIL = re.compile(r"/(?:index(?:_\d+)?\.s?html?|default\.s?html?|)$", re.IGNORECASE)
_MAX_TITLE = 200


def _directory(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/"


def extract_pagination(
    tree: LexborHTMLParser, html: str, base: str, resolver: UrlResolver
) -> tuple[str, ...]:
    """URLs of the other pages of this list, in page order where known."""
    found: dict[str, None] = {}
    folder = _directory(base)
    script = _CREATE_PAGE.search(html)
    if script:
        total, prefix, ext = int(script.group(1)), script.group(3), script.group(4)
        for number in range(1, min(total, 1000)):
            found[f"{folder}{prefix}_{number}.{ext}"] = None
    for node in tree.css("a[href]"):
        text = node.text(strip=True)
        if text not in _PAGER_WORDS and not (text.isdigit() and len(text) < 5):
            continue
        url = resolver.resolve(base, node.attributes.get("href") or "")
        if url and url != base and url.startswith(folder) and "/" not in url[len(folder) :]:
            found[url] = None
    found.pop(base, None)
    return tuple(found)


def _strip_chrome(tree: LexborHTMLParser) -> None:
    for selector in (NAV_SELECTOR, HEADER_SELECTOR, FOOTER_SELECTOR, CRUMB_SELECTOR):
        for node in tree.css(selector):
            node.decompose()


def _item(node: LexborNode, base: str, resolver: UrlResolver, scan_date: date) -> ListItem | None:
    for anchor in node.css("a[href]"):
        label = anchor.text(deep=True, strip=True)
        if not label:
            continue
        url = resolver.resolve(base, anchor.attributes.get("href") or "")
        if url is None or url.startswith(UNSUPPORTED_PREFIX) or url == base:
            return None
        if _INDEX_TAIL.search(url.split("?", 1)[0]):
            return None  # a link to a column or the home page, not a listed item
        title = (anchor.attributes.get("title") or label).strip()[:_MAX_TITLE]
        rest = node.text(separator=" ").replace(label, " ", 1)
        return ListItem(title, url, find_date(rest, scan_date, url))
    return None


def extract_items(
    tree: LexborHTMLParser,
    base: str,
    resolver: UrlResolver,
    scan_date: date,
    *,
    all_groups: bool = False,
) -> tuple[ListItem, ...]:
    """The items of the page's main list (or, with all_groups, every dated item: the home
    page shows several short lists side by side)."""
    _strip_chrome(tree)
    groups: dict[int, list[ListItem]] = {}
    for node in tree.css("li, tr, dd"):
        if len(node.css("li, tr, dd")) > 1:  # the node itself matches too
            continue  # a container of items, not an item
        item = _item(node, base, resolver, scan_date)
        if item is None:
            continue
        parent = node.parent
        key = parent.mem_id if parent is not None else 0
        groups.setdefault(key, []).append(item)
    if all_groups:
        seen: dict[str, ListItem] = {}
        for group in groups.values():
            for item in group:
                if item.published is not None:
                    seen.setdefault(item.url, item)
        return tuple(seen.values())
    if not groups:
        return ()
    best = max(
        groups.values(),
        key=lambda g: (sum(1 for i in g if i.published is not None), len(g)),
    )
    return tuple(best)
