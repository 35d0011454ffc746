"""Turning a page's bytes into text.

Order: a byte-order mark (byte-level certainty, and browsers let it win), then the
Content-Type charset, then a <meta> charset in the first 4 KB, then detection. GB2312 and
GBK labels are decoded as GB18030, their superset: gov pages labelled gb2312 routinely
contain characters outside it (names, rare place characters), and decoding them with the
narrow codec would turn them into garbage. Invalid bytes are replaced, never fatal.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_RE = re.compile(rb"""charset\s*=\s*["']?\s*([a-z0-9_\-]+)""")
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.IGNORECASE)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312"}


def canonical_encoding(label: str) -> str | None:
    """A Python codec name for an HTML charset label, or None if unknown."""
    name = label.strip().lower()
    if name in _GB_FAMILY or name.startswith("gb_2312"):
        return "gb18030"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name in {"gbk", "gb2312", "cp936"}:
        return "gb18030"
    return info.name


def sniff_encoding(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(codec, source) where source is bom, header, meta, utf-8 or detected."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    match = _HEADER_RE.search(content_type)
    if match:
        label = canonical_encoding(match.group(1))
        if label:
            return label, "header"
    # Find the word first (a fast substring search), then read the label next to it.
    head = body[:4096].lower()
    at = head.find(b"charset")
    meta = _META_RE.match(head, at) if at >= 0 else None
    if meta:
        label = canonical_encoding(meta.group(1).decode("ascii", "ignore"))
        if label:
            return label, "meta"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", "utf-8"
    # Not UTF-8: on a Chinese government site GB18030 (GBK, GB2312) is by far the likeliest,
    # so accept it when only a few stray bytes fail (broken templates are common), and ask
    # the statistical detector only when GB18030 clearly does not fit.
    sample = body[:65536]
    bad = sample.decode("gb18030", errors="replace").count("\ufffd")
    if bad * 200 <= len(sample):
        return "gb18030", "detected"
    best = from_bytes(sample).best()
    if best is not None:
        return canonical_encoding(best.encoding) or "gb18030", "detected"
    # Undetectable non-UTF-8 bytes on a Chinese government site are GB far more often
    # than anything else.
    return "gb18030", "detected"


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, codec). Never raises on bad bytes."""
    name, source = sniff_encoding(body, content_type)
    if source == "bom":
        body = body[len(codecs.BOM_UTF8) if name == "utf-8" else 2 :]
    return body.decode(name, errors="replace"), name
