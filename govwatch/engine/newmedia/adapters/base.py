"""The ``Post`` value the feed and push adapters produce, and its identity.

A post is identified once: by platform + the platform's post id when the source gives
one, otherwise by its normalised URL + publication time, otherwise by account + time +
title. ``Post.dedupe_key`` is that identity as a string; it does not depend on which
adapter saw the post, so the same post arriving by feed and by export is stored once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from govwatch.engine.checks.inputs import Platform

_PLATFORM_ALIASES: dict[str, Platform] = {
    "wechat": "wechat",
    "weixin": "wechat",
    "微信": "wechat",
    "微信公众号": "wechat",
    "微信订阅号": "wechat",
    "微信服务号": "wechat",
    "公众号": "wechat",
    "weibo": "weibo",
    "微博": "weibo",
    "新浪微博": "weibo",
    "douyin": "douyin",
    "抖音": "douyin",
    "toutiao": "toutiao",
    "头条": "toutiao",
    "今日头条": "toutiao",
    "头条号": "toutiao",
    "app": "app",
    "移动客户端": "app",
    "客户端": "app",
}


def normalize_platform(value: str) -> Platform | None:
    """The platform identifier for an English or Chinese platform name; None if unknown."""
    return _PLATFORM_ALIASES.get(value.strip().lower())


def normalize_url(url: str) -> str:
    """URL without fragment, lower-case scheme and host: the parts that never identify a post."""
    url = url.strip()
    if not url:
        return ""
    # Most URLs are already normal; checking that is far cheaper than splitting them.
    slash = url.find("/", url.find("://") + 3)
    head = url if slash < 0 else url[:slash]
    if "#" not in url and head == head.lower():
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class Post:
    """One post of one account. ``published_at`` is timezone-aware."""

    account_id: str
    platform: Platform
    published_at: datetime
    title: str = ""
    text: str = ""
    url: str = ""
    post_id: str = ""
    is_original: bool | None = None  # None: the source does not say 原创/转发
    source_id: str = ""

    @property
    def dedupe_key(self) -> str:
        if self.post_id:
            return f"{self.platform}:id:{self.post_id}"
        # Epoch seconds: the same instant gives the same key whatever zone it came in.
        stamp = int(self.published_at.timestamp())
        if self.url:
            return f"url:{normalize_url(self.url)}@{stamp}"
        # Neither id nor URL (some exports): the account, the minute and the title are
        # what a person would use to tell two posts apart.
        digest = hashlib.sha1(self.title.strip().encode("utf-8")).hexdigest()[:16]
        return f"{self.platform}:{self.account_id}@{stamp // 60}:{digest}"


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row/item an adapter could not use; ``where`` is a row number or item index."""

    where: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """What a source says about the account itself: its name and 认证主体 ('' = not said)."""

    name: str = ""
    owner: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    posts: tuple[Post, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    # The account as the source shows it (feeds and pushes of one account); None = not said.
    profile: AccountProfile | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where posts come from: a feed serves one account; a push may carry many.

    ``account_id`` and ``platform`` are the defaults for posts that do not name them
    (always the case for feeds). ``url`` is the feed address.
    """

    source_id: str
    account_id: str = ""
    platform: Platform | None = None
    url: str = ""


def dedupe(posts: Iterable[Post], seen: set[str] | None = None) -> list[Post]:
    """Posts not seen before (by ``dedupe_key``), in their first order.

    Pass ``seen`` (e.g. the keys already stored) to make a re-import idempotent; it
    is updated in place.
    """
    keys = seen if seen is not None else set()
    fresh: list[Post] = []
    for post in posts:
        key = post.dedupe_key
        if key not in keys:
            keys.add(key)
            fresh.append(post)
    return fresh
