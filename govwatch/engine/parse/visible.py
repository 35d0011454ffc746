"""What a reader sees: a page's text without code, styles and hidden blocks.

The content checks and the date/label searches read this text, so JavaScript and CSS must
never reach them, and a browser-captured page (tens of thousands of characters of inline CSS
before the first word) must still show its real text first under any length cap.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

# Elements whose content is never shown as text. <template> content is inert and <noscript>
# is only shown with scripting off (a crawler's fallback copy, often a duplicate or a notice).
_NEVER_SHOWN = "script, style, noscript, template, head, title"
# The hidden attribute, aria-hidden, and styles that may hide: the selector narrows in C,
# _STYLE_HIDDEN decides (spaces may sit around the colon: "display : none").
_HIDDEN = '[hidden], [aria-hidden="true" i], [style*="none" i], [style*="hidden" i]'
_STYLE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    if "hidden" in attrs:
        return True
    if (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return bool(_STYLE_HIDDEN.search(attrs.get("style") or ""))


def visible_copy(node: LexborNode) -> LexborNode:
    """A detached copy of NODE without the elements a reader does not see; NODE is untouched
    (the link, list and pager extraction still read hidden tabs and pager scripts)."""
    copy = node.clone()
    doomed: list[LexborNode] = []
    gone: set[int] = set()
    # lexbor answers a selector list one selector at a time, so a node can come twice and a
    # descendant before its ancestor. decompose frees a whole subtree: a node is removed once,
    # and never after an ancestor of it (a descendant met first goes first, which is safe).
    for selector, test in ((_NEVER_SHOWN, None), (_HIDDEN, _hidden)):
        for found in copy.css(selector):
            if test is not None and not test(found):
                continue
            if found.mem_id in gone or _inside(found, gone):
                continue
            gone.add(found.mem_id)
            doomed.append(found)
    for found in doomed:
        found.decompose()
    return copy


def outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """NODES without repeats and without any node inside another one of them."""
    ids = {node.mem_id for node in nodes}
    seen: set[int] = set()
    out: list[LexborNode] = []
    for node in nodes:
        if node.mem_id in seen or _inside(node, ids):
            continue
        seen.add(node.mem_id)
        out.append(node)
    return out


def _inside(node: LexborNode, gone: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in gone:
            return True
        parent = parent.parent
    return False


def visible_text(node: LexborNode | None, limit: int = 0) -> str:
    """The text of NODE as shown, spaces collapsed; at most LIMIT characters when given."""
    if node is None:
        return ""
    text = clean_text(visible_copy(node).text(separator=" "))
    return text[:limit] if limit else text
