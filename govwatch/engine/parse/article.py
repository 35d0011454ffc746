"""An article page's publish date, read where a person reads it: the article header.

Gov article templates print the date under the title as a labelled line
(发布时间：2024-06-28 来源：…), but the same page also carries dates that are not the
article's: a sidebar's latest items, a comment widget's 留言时间, a footer's 更新时间, and a
PubDate meta that some CMSs fill with the build time. So a labelled date wins by where it
sits: outside sidebars and comment widgets, nearest the title. The meta tag is only a
fallback, and the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from govwatch.engine.parse.dates import find_date

# How the answer was found: a label in the page, or only the meta tag.
FROM_LABEL = "label"
FROM_META = "meta"

# The labels, longest first so 发布日期 is not read as a bare 日期. A bare 时间/日期 must
# not be the tail of another word (留言时间, 回复时间, 办结日期 …): it has no CJK before it.
_LABEL = re.compile(
    r"(发布日期|发布时间|成文日期|生成日期|发文日期|(?<![\u4e00-\u9fff])(?:时间|日期))"
    r"\s*[:：]?\s*(?:[\[【(（]\s*)?"
)
_HINT = re.compile(r"时间|日期|pubdate|publish", re.IGNORECASE)
_DATE_WINDOW = 24  # characters after a label where its date must start
_META_NAMES = ("pubdate", "publishdate", "publish_date", "firstpublishedtime", "publishtime")
# Containers whose dates are not the article's (class or id fragments, and tags).
_ASIDE_MARKS = (
    "side",
    "comment",
    "pinglun",
    "liuyan",
    "message",
    "reply",
    "hot",
    "rank",
    "related",
    "xgxx",
    "recommend",
    "foot",
    "bottom",
    "copyright",
    "nav",
    "menu",
)
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_ASIDE_TAGS = frozenset({"aside", "footer", "nav"})
_TITLE_MARKS = ("title", "bt", "tit")
# The page header (logo, banner), by whole class or id words: "article-header" is not one.
_CHROME_WORDS = frozenset({"header", "head", "top", "logo", "banner", "topbar", "site-header"})
# A date line further than this from the title (in characters of page text) is not its
# header: a body paragraph mentioning 时间：… far below must not win over the meta tag.
_MAX_DISTANCE = 600


@dataclass(frozen=True, slots=True)
class ArticleDate:
    published: date
    source: str  # FROM_LABEL or FROM_META
    label: str = ""  # the label read (发布时间 …), "" for the meta tag


@dataclass(slots=True)
class _Segment:
    start: int
    text: str
    node: LexborNode  # the text node's parent element


def _marks(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()


def _aside(node: LexborNode | None) -> bool:
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in _ASIDE_TAGS:
            return True
        # Whole words or their ends (leftside, sidebar, hotnews), so "photo" is not "hot".
        for word in _WORD_SPLIT.split(_marks(node)):
            if word and any(word.startswith(m) or word.endswith(m) for m in _ASIDE_MARKS):
                return True
        node = node.parent
    return False


def _chrome(node: LexborNode | None) -> bool:
    while node is not None and node.tag not in ("body", "html"):
        if node.tag == "header" or any(
            word in _CHROME_WORDS or word.startswith(("logo", "banner"))
            for word in _marks(node).split()
        ):
            return True
        node = node.parent
    return False


def _segments(tree: LexborHTMLParser) -> tuple[list[_Segment], dict[int, int], str]:
    """The body's visible text nodes in document order, each text node's start offset (by
    its mem_id), and the joined text."""
    body = tree.body
    if body is None:
        return [], {}, ""
    for node in body.css("script, style, noscript, template"):
        node.decompose()
    segments: list[_Segment] = []
    starts: dict[int, int] = {}
    offset = 0
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = node.text_content or ""
        parent = node.parent
        if not text.strip() or parent is None:
            continue
        segments.append(_Segment(offset, text, parent))
        starts[node.mem_id] = offset
        offset += len(text) + 1  # the joining space
    return segments, starts, " ".join(s.text for s in segments)


def _title_offset(tree: LexborHTMLParser, starts: dict[int, int]) -> int | None:
    """Where the article's title starts in the joined text. First a heading or title-named
    element whose text the <title> (or ArticleTitle meta) carries, then the first h1 outside
    the page header and logo, then any element named as a title."""
    names = [node.text(strip=True) for node in tree.css("head title")]
    names += [
        node.attributes.get("content") or ""
        for node in tree.css("meta[name]")
        if (node.attributes.get("name") or "").lower() == "articletitle"
    ]
    headings = list(tree.css("body h1, body h2, body h3"))
    named = [
        node
        for node in tree.css("body [class], body [id]")
        if any(mark in _marks(node) for mark in _TITLE_MARKS)
    ]
    ordered = [n for n in headings + named if _in_names(n.text(strip=True), names)]
    ordered += [n for n in tree.css("body h1")] + named
    for node in ordered:
        # The site's name in the page header is in <title> too: never the article's title.
        if len(node.text(strip=True)) < 4 or _aside(node) or _chrome(node):
            continue
        for inner in node.traverse(include_text=True):
            if inner.tag == "-text" and inner.mem_id in starts:
                return starts[inner.mem_id]
    return None


def _in_names(text: str, names: list[str]) -> bool:
    return len(text) >= 4 and any(text in name for name in names if name)


def _segment_at(segments: list[_Segment], offset: int) -> _Segment:
    low, high = 0, len(segments) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if segments[middle].start <= offset:
            low = middle
        else:
            high = middle - 1
    return segments[low]


def _meta_date(tree: LexborHTMLParser, scan_date: date) -> date | None:
    for node in tree.css("meta[name]"):
        if (node.attributes.get("name") or "").lower() in _META_NAMES:
            found = find_date(node.attributes.get("content") or "", scan_date)
            if found is not None:
                return found
    return None


def extract_article_date(html: str, scan_date: date, url: str = "") -> ArticleDate | None:
    """The publish date of the article on this page, or None when it shows none."""
    if not _HINT.search(html):
        return None  # most pages that are not articles: no second parse
    tree = LexborHTMLParser(html)
    meta = _meta_date(tree, scan_date)  # before the body is trimmed
    segments, starts, text = _segments(tree)
    best: tuple[tuple[int, int], ArticleDate] | None = None
    if segments:
        title_at = _title_offset(tree, starts)
        for match in _LABEL.finditer(text):
            tail = text[match.end() : match.end() + _DATE_WINDOW + 16]
            found = _labelled_date(tail, scan_date, url)
            if found is None:
                continue
            segment = _segment_at(segments, match.start())
            if _aside(segment.node) or _chrome(segment.node):
                continue  # a sidebar's, a comment's, or the page header's clock
            if title_at is None:
                distance = 0
            else:
                distance = match.start() - title_at
                # A date line above the title is rarer than one below it: it costs more.
                distance = distance if distance >= 0 else -3 * distance
                if distance > _MAX_DISTANCE:
                    continue
            rank = (distance, match.start())
            if best is None or rank < best[0]:
                best = (rank, ArticleDate(found, FROM_LABEL, match.group(1)))
    if best is not None:
        return best[1]
    if meta is not None:
        return ArticleDate(meta, FROM_META)
    return None


def _labelled_date(tail: str, scan_date: date, url: str) -> date | None:
    """The date right after a label: it must start within the window, not somewhere later
    in the line (时间：上午九点 … 2024-06-28 is not a dated label)."""
    found = find_date(tail[:_DATE_WINDOW], scan_date, url)
    if found is None:
        return None
    lead = tail[: min(len(tail), 4)]
    return found if any(ch.isdigit() for ch in lead) else None
