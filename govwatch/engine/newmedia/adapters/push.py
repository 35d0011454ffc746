"""Push payloads: a unit's own system posts JSON to us with its per-source token.

Engine side only: check the token (constant-time, ``hmac.compare_digest``), then parse
and validate the payload. The web endpoint maps ``PushAuthError`` to 401 and
``PushPayloadError`` to 400; a payload that is valid as a whole but has some bad posts
is accepted with those posts listed as rejected. Payload shape::

    {"source_id": "...", "token": "...",            # token may come in a header instead
     "posts": [{"account": "...", "platform": "wechat", "post_id": "...",
                "url": "...", "published_at": "2024-06-28T10:30:00+08:00",
                "title": "...", "text": "...", "original": true}],
     "account_profile": {"name": "...", "owner": "..."}}  # optional: name, 认证主体
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from govwatch.engine.newmedia.adapters.base import (
    AccountProfile,
    Batch,
    Post,
    Rejected,
    Source,
    normalize_platform,
)
from govwatch.engine.newmedia.dates import parse_post_time

MAX_PAYLOAD_BYTES = 2 * 1024 * 1024
MAX_POSTS = 5000
_TEXT_LIMITS = {"account": 200, "post_id": 200, "url": 2000, "title": 1000, "text": 100_000}


class PushAuthError(PermissionError):
    """Missing or wrong token."""


class PushPayloadError(ValueError):
    """The payload as a whole is unusable; the message is for the sender, in Chinese."""


def check_token(expected: str, presented: str | None) -> bool:
    """Constant-time comparison, so the answer time does not leak how much matched."""
    if not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))


def _post(item: Any, index: int, source: Source) -> Post | Rejected:
    where = f"posts[{index}]"
    if not isinstance(item, dict):
        return Rejected(where, "应为对象")
    for name, limit in _TEXT_LIMITS.items():
        value = item.get(name, "")
        if not isinstance(value, str):
            return Rejected(where, f"{name} 应为字符串")
        if len(value) > limit:
            return Rejected(where, f"{name} 超过 {limit} 个字符")
    account = item.get("account") or source.account_id
    if not account:
        return Rejected(where, "缺少 account")
    raw_platform = item.get("platform", "")
    platform = (
        normalize_platform(raw_platform) if isinstance(raw_platform, str) and raw_platform else None
    ) or source.platform
    if platform is None:
        return Rejected(where, f"平台无法识别：{raw_platform!r}")
    raw_time = item.get("published_at")
    published = parse_post_time(raw_time) if isinstance(raw_time, str) else None
    if published is None:
        return Rejected(where, "published_at 缺失或无法识别")
    original = item.get("original")
    if original is not None and not isinstance(original, bool):
        return Rejected(where, "original 应为 true/false")
    if not item.get("post_id") and not item.get("url"):
        # Without either the post cannot be identified once, so a retry would duplicate it.
        return Rejected(where, "post_id 与 url 至少提供一个")
    return Post(
        account_id=str(account),
        platform=platform,
        published_at=published,
        title=item.get("title", ""),
        text=item.get("text", ""),
        url=item.get("url", ""),
        post_id=item.get("post_id", ""),
        is_original=original,
        source_id=source.source_id,
    )


def parse_payload(
    data: bytes, source: Source, expected_token: str, presented_token: str | None = None
) -> Batch:
    """Validate a push payload for ``source``. The token is checked before anything else
    is looked at beyond the JSON itself; ``presented_token`` (a header) wins over the
    payload's own ``token`` field."""
    if len(data) > MAX_PAYLOAD_BYTES:
        raise PushPayloadError(f"推送内容超过 {MAX_PAYLOAD_BYTES // 1024 // 1024} MB")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PushPayloadError(f"推送内容不是有效的 JSON：{exc}") from exc
    if not isinstance(doc, dict):
        raise PushPayloadError("推送内容应为 JSON 对象")
    token = presented_token if presented_token is not None else doc.get("token")
    if not check_token(expected_token, token if isinstance(token, str) else None):
        raise PushAuthError("推送令牌无效")
    claimed = doc.get("source_id")
    if claimed is not None and claimed != source.source_id:
        raise PushPayloadError("source_id 与令牌所属的来源不一致")
    posts = doc.get("posts")
    if not isinstance(posts, list):
        raise PushPayloadError("缺少 posts 列表")
    if len(posts) > MAX_POSTS:
        raise PushPayloadError(f"单次推送最多 {MAX_POSTS} 条")
    made = [_post(item, i, source) for i, item in enumerate(posts)]
    return Batch(
        posts=tuple(p for p in made if isinstance(p, Post)),
        rejected=tuple(p for p in made if isinstance(p, Rejected)),
        profile=_profile(doc.get("account_profile")),
    )


def _profile(raw: Any) -> AccountProfile | None:
    """The optional ``account_profile`` {name, owner}: the account as the platform shows it."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k, ""), str) for k in ("name", "owner")
    ):
        raise PushPayloadError("account_profile 应为对象，name 与 owner 为字符串")
    name, owner = raw.get("name", "").strip()[:200], raw.get("owner", "").strip()[:200]
    return AccountProfile(name, owner) if name or owner else None
