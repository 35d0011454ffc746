"""RSS 2.0, RSS 1.0 (RDF), Atom and JSON Feed, so RSSHub routes for WeChat, Weibo,
Douyin and Toutiao accounts can be used as they are.

XML is parsed with the standard library after refusing any DOCTYPE or ENTITY
declaration outright: a feed never needs them, and refusing them closes the entity
expansion and external-entity attacks that defusedxml guards against.
The fetch goes through ``govwatch.engine.fetch`` (the one HTTP seam) and every
attempt, good or bad, becomes a ``FetchAttempt`` for the source's health record.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govwatch.engine.fetch import Fetcher
from govwatch.engine.newmedia.adapters.base import AccountProfile, Batch, Post, Rejected, Source
from govwatch.engine.newmedia.dates import parse_post_time
from govwatch.engine.newmedia.health import FetchAttempt

MAX_FEED_BYTES = 10 * 1024 * 1024
_UNSAFE_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
# What RSSHub routes add to an account's name in the feed title (「开封发布的微博」,
# 「开封发布 - 今日头条」); stripped so the name can be compared with the registry.
_TITLE_SUFFIX = re.compile(
    r"\s*(?:的(?:新浪)?微博|的抖音(?:主页)?|的头条(?:号|主页)?|的(?:微信)?公众号)\s*$"
    r"|\s*[-–—|｜]\s*(?:新浪微博|微博|抖音|今日头条|头条号|微信公众号|公众号|RSSHub)\s*$"
)


class FeedError(ValueError):
    """The document is not a usable feed; ``reason`` is a stable machine code."""

    def __init__(self, reason: str, message_zh: str) -> None:
        self.reason = reason
        super().__init__(message_zh)


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _plain(html: str) -> str:
    return " ".join(_TAGS.sub(" ", html).split())


def _child(element: ET.Element, *names: str) -> ET.Element | None:
    for name in names:
        found = element.find(name)
        if found is not None:
            return found
    return None


def _post(
    source: Source, where: str, *, when: str, title: str, text: str, url: str, guid: str
) -> Post | Rejected:
    if not source.account_id or source.platform is None:
        return Rejected(where, "订阅源未关联账号或平台")
    published = parse_post_time(when)
    if published is None:
        return Rejected(where, f"发布时间无法识别：{when[:40]!r}" if when else "缺少发布时间")
    # A guid that is just the link adds nothing; a real id survives URL changes.
    post_id = guid if guid and guid != url else ""
    return Post(
        account_id=source.account_id,
        platform=source.platform,
        published_at=published,
        title=_plain(title),
        text=_plain(text),
        url=url,
        post_id=post_id,
        source_id=source.source_id,
    )


def account_name_from_title(title: str) -> str:
    """The account's name in a feed title, without what feed generators append."""
    name = " ".join(title.split())
    for _ in range(2):  # 「X的微博 - RSSHub」
        name = _TITLE_SUFFIX.sub("", name)
    return name


def _profile(title: str) -> AccountProfile | None:
    name = account_name_from_title(title)
    return AccountProfile(name=name) if name else None


def _rss_items(root: ET.Element, source: Source) -> Iterable[Post | Rejected]:
    items = root.findall("./channel/item") or root.findall(f"./{_RSS1}item")
    for index, item in enumerate(items, start=1):
        yield _post(
            source,
            f"item {index}",
            when=_text(_child(item, "pubDate", _DC_DATE)),
            title=_text(_child(item, "title", f"{_RSS1}title")),
            text=_text(_child(item, "description", f"{_RSS1}description")),
            url=_text(_child(item, "link", f"{_RSS1}link")),
            guid=_text(item.find("guid")),
        )


def _atom_entries(root: ET.Element, source: Source) -> Iterable[Post | Rejected]:
    for index, entry in enumerate(root.findall(f"{_ATOM}entry"), start=1):
        url = ""
        for link in entry.findall(f"{_ATOM}link"):
            if link.get("rel", "alternate") == "alternate":
                url = link.get("href", "")
                break
        yield _post(
            source,
            f"entry {index}",
            when=_text(_child(entry, f"{_ATOM}published", f"{_ATOM}updated")),
            title=_text(entry.find(f"{_ATOM}title")),
            text=_text(_child(entry, f"{_ATOM}content", f"{_ATOM}summary")),
            url=url,
            guid=_text(entry.find(f"{_ATOM}id")),
        )


def _json_items(doc: Any, source: Source) -> Iterable[Post | Rejected]:
    items = doc.get("items") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise FeedError("malformed", "JSON Feed 缺少 items 列表")
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield Rejected(f"item {index}", "条目不是对象")
            continue

        def field(name: str, item: dict[str, Any] = item) -> str:
            value = item.get(name)
            return value if isinstance(value, str) else ""

        yield _post(
            source,
            f"item {index}",
            when=field("date_published") or field("date_modified"),
            title=field("title"),
            text=field("content_text") or field("content_html") or field("summary"),
            url=field("url"),
            guid=str(item.get("id", "")),
        )


def parse_feed(data: bytes, source: Source) -> Batch:
    """Posts of one feed document. Raises ``FeedError`` when the document is unusable."""
    if len(data) > MAX_FEED_BYTES:
        raise FeedError("too_large", "订阅源内容过大")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        try:
            doc = json.loads(data)
            produced = list(_json_items(doc, source))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FeedError("malformed", f"JSON Feed 格式错误：{exc}") from exc
        title = doc.get("title") if isinstance(doc, dict) else None
        profile = _profile(title) if isinstance(title, str) else None
    else:
        if _UNSAFE_XML.search(data):
            raise FeedError("unsafe_xml", "订阅源含 DOCTYPE/ENTITY 声明，出于安全原因拒绝解析")
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise FeedError("malformed", f"XML 格式错误：{exc}") from exc
        if root.tag == "rss" or root.tag.endswith("RDF"):
            produced = list(_rss_items(root, source))
            channel = _child(root, "channel", f"{_RSS1}channel")
            title = "" if channel is None else _text(_child(channel, "title", f"{_RSS1}title"))
            profile = _profile(title)
        elif root.tag == f"{_ATOM}feed":
            produced = list(_atom_entries(root, source))
            profile = _profile(_text(root.find(f"{_ATOM}title")))
        else:
            raise FeedError("unsupported_format", f"不是 RSS/Atom 订阅源（根元素 {root.tag[:60]}）")
    posts = tuple(p for p in produced if isinstance(p, Post))
    rejected = tuple(p for p in produced if isinstance(p, Rejected))
    return Batch(posts=posts, rejected=rejected, profile=profile)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    source_id: str
    attempt: FetchAttempt
    batch: Batch


async def fetch_feed(fetcher: Fetcher, source: Source, now: datetime) -> FeedOutcome:
    """Fetch and parse one feed; a failure is a value in ``attempt``, never an exception."""
    result = await fetcher.fetch(source.url)
    if result.error is not None:
        attempt = FetchAttempt(now, False, str(result.error), result.status, result.detail)
        return FeedOutcome(source.source_id, attempt, Batch())
    if not result.ok:
        attempt = FetchAttempt(now, False, "http_status", result.status, f"HTTP {result.status}")
        return FeedOutcome(source.source_id, attempt, Batch())
    try:
        batch = parse_feed(result.body, source)
    except FeedError as exc:
        return FeedOutcome(
            source.source_id, FetchAttempt(now, False, exc.reason, result.status, str(exc)), Batch()
        )
    return FeedOutcome(source.source_id, FetchAttempt(now, True, "", result.status, ""), batch)
