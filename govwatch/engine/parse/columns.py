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
    {"下一页", "下页", "尾页", "末页", "上一页", "上页", "后页", "前页", ">", ">>", "»"}
)
# TRS-style CMSs write the pager with script: createPageHTML(total, current, "index", "html"),
# in TRS WCM 7 with the pager's element id first and the record count last
# (createPageHTML('page_div', 5, 0, 'index', 'shtml', 92)), and often with variables
# (var countPage = 5; createPageHTML(countPage, currentPage, "index", "html")).
_ARG = r"['\"]?([\w$]+)['\"]?"
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?"
    + _ARG
    + r"\s*,\s*"
    + _ARG
    + r"\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_INDEX_TAIL = re.compile(r"/(?:index(?:_\d+)?\.s?html?|default\.s?html?|)$", re.IGNORECASE)
# Numbered static pages (index_7.html) and query pagers (Hanweb/大汉 ?page=7, &pageNum=7 …).
_NUMBERED = re.compile(r"^(.*/(?:index|default|list)_)(\d{1,4})(\.s?html?)$", re.IGNORECASE)
_PAGE_PARAM = re.compile(
    r"([?&](?:page|pagenum|pageno|pageindex|curpage|currentpage|p)=)(\d{1,4})(?=&|$)",
    re.IGNORECASE,
)
_MAX_SERIES = 1000
_MAX_TITLE = 200


def _directory(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/"


def _script_number(html: str, value: str) -> int | None:
    """A createPageHTML argument: a number, or a variable assigned a number earlier."""
    if value.isdigit():
        return int(value)
    assigned = re.findall(rf"(?<![\w$.]){re.escape(value)}\s*=\s*['\"]?(\d+)", html)
    return int(assigned[-1]) if assigned else None


def _series(found: dict[str, None]) -> list[str]:
    """The pages between the numbered ones the pager shows: "1 2 3 … 尾页" links the first
    and last pages, and a list's items sit on every page in between."""
    out: list[str] = []
    highest: dict[tuple[str, str], int] = {}
    for url in found:
        numbered = _NUMBERED.match(url)
        if numbered:
            key = (numbered.group(1), numbered.group(3))
            highest[key] = max(highest.get(key, 0), int(numbered.group(2)))
            continue
        param = _PAGE_PARAM.search(url)
        if param:
            key = (url[: param.start(2)], url[param.end(2) :])
            highest[key] = max(highest.get(key, 0), int(param.group(2)))
    for (head, tail), top in highest.items():
        first = 1 if _NUMBERED.match(head + "1" + tail) else 2
        out += [f"{head}{n}{tail}" for n in range(first, min(top, _MAX_SERIES) + 1)]
    return out


def extract_pagination(
    tree: LexborHTMLParser, html: str, base: str, resolver: UrlResolver
) -> tuple[str, ...]:
    """URLs of the other pages of this list, in page order where known.

    Static pages only: TRS "动静结合" lists serve their later pages by a POST search, and
    the fetch layer only GETs, so such a list is read as far as its static pages go."""
    found: dict[str, None] = {}
    folder = _directory(base)
    script = _CREATE_PAGE.search(html)
    total = _script_number(html, script.group(1)) if script else None
    scripted: set[str] = set()
    if script and total:
        prefix, ext = script.group(3), script.group(4)
        for number in range(1, min(total, _MAX_SERIES)):
            found[f"{folder}{prefix}_{number}.{ext}"] = None
        scripted = set(found)
    path = base.split("?", 1)[0]
    for node in tree.css("a[href]"):
        text = node.text(strip=True)
        if text not in _PAGER_WORDS and not (text.isdigit() and len(text) < 5):
            continue
        url = resolver.resolve(base, node.attributes.get("href") or "")
        if not url or url == base:
            continue
        same_folder = url.startswith(folder) and "/" not in url[len(folder) :]
        if same_folder or (url.split("?", 1)[0] == path and _PAGE_PARAM.search(url)):
            found[url] = None
    # Page order: the script's pages, then the numbered series, then any other pager link.
    ordered = dict.fromkeys(u for u in found if u in scripted)
    ordered.update(dict.fromkeys(_series(found)))
    ordered.update(found)
    ordered.pop(base, None)
    return tuple(ordered)


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


_ITEM_TAGS = "li, tr, dd"
# Blocks that hold one listed item outside li/tr/dd: a home page's headline (a div with
# its h2 and date), lists written as one p or div per item.
_BLOCK_TAGS = frozenset({"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "section"})
_MERGE_LEVELS = 3  # how far up sibling blocks of one list may sit apart


def _block_of(anchor: LexborNode, links: dict[int, int]) -> LexborNode | None:
    """The outermost div/p/heading around ANCHOR that holds no other link: the item's block
    (None when the anchor sits in an li/tr/dd item, or alone in no block). LINKS keeps each
    ancestor's link count for the page: anchors of one block share their ancestors, and
    counting again per anchor grew with the square of the links under a div."""
    block: LexborNode | None = None
    node = anchor.parent
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("li", "tr", "dd", "td", "ul", "ol", "table", "dl"):
            return None  # an item of a list (or a table cell): the item rules read it
        if node.mem_id not in links:
            links[node.mem_id] = len(node.css("a[href]"))
        if links[node.mem_id] > 1:
            break
        if node.tag in _BLOCK_TAGS:
            block = node
        node = node.parent
    return block


def _signature(node: LexborNode) -> tuple[str, str]:
    return node.tag or "", (node.attributes.get("class") or "").strip()


def _merge_siblings(
    groups: dict[int, tuple[LexborNode, str, list[ListItem]]],
) -> list[list[ListItem]]:
    """Groups of one list split into blocks (TRS writes five li per ul, each ul in its own
    div) joined again: groups whose parents have the same shape below a common ancestor."""
    keys = list(groups)
    owner = {key: key for key in keys}

    def find(key: int) -> int:
        while owner[key] != key:
            owner[key] = owner[owner[key]]
            key = owner[key]
        return key

    for level in range(1, _MERGE_LEVELS + 1):
        seen: dict[tuple[int, tuple[tuple[str, str], ...]], int] = {}
        for key in keys:
            parent, item_tag, _ = groups[key]
            shape: list[tuple[str, str]] = [(item_tag, "")]
            node: LexborNode | None = parent
            for _ in range(level):
                if node is None or node.tag in ("body", "html"):
                    node = None
                    break
                shape.append(_signature(node))
                node = node.parent
            if node is None:
                continue
            mark = (node.mem_id, tuple(shape))
            if mark in seen:
                owner[find(key)] = find(seen[mark])
            else:
                seen[mark] = key
    merged: dict[int, list[ListItem]] = {}
    for key in keys:  # document order of each group's first item
        merged.setdefault(find(key), []).extend(groups[key][2])
    return list(merged.values())


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
    groups: dict[int, tuple[LexborNode, str, list[ListItem]]] = {}
    nodes: list[LexborNode] = []
    for node in tree.css(_ITEM_TAGS):
        if len(node.css(_ITEM_TAGS)) > 1:  # the node itself matches too
            continue  # a container of items, not an item
        nodes.append(node)
    blocks: dict[int, LexborNode] = {}
    links: dict[int, int] = {}
    for anchor in tree.css("a[href]"):
        block = _block_of(anchor, links)
        if block is not None:
            blocks.setdefault(block.mem_id, block)
    for node in nodes + list(blocks.values()):
        item = _item(node, base, resolver, scan_date)
        parent = node.parent
        if item is None or parent is None:
            continue
        groups.setdefault(parent.mem_id, (parent, node.tag or "", []))[2].append(item)
    if all_groups:
        seen: dict[str, ListItem] = {}
        for _, _, group in groups.values():
            for item in group:
                if item.published is not None:
                    seen.setdefault(item.url, item)
        return tuple(seen.values())
    if not groups:
        return ()
    best = max(
        _merge_siblings(groups),
        key=lambda g: (sum(1 for i in g if i.published is not None), len(g)),
    )
    return tuple(best)
