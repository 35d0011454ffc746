"""POSTing JSON through the fetch layer: group robots (WeCom, DingTalk), an SMS gateway,
signed webhooks.

The crawler only ever GETs (client.py); an alert is the one thing that POSTs. It goes
through the same guarded resolver and the same address policy as every fetch, so a robot
URL pointing at the machine's own network is refused unless the allow-list
(``FetchConfig.allow_hosts``) names it, exactly like a link on a crawled page. Failures are
values (a ``PostResult`` with a ``FetchError``), never exceptions. Redirects are not
followed: a webhook that answers 3xx has moved, and re-sending a body elsewhere is not ours
to decide.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from govwatch.engine.fetch.client import (
    _classify,
    _GuardedResolver,
    _is_ip,
    _parse_host_map,
    _ssl_context,
)
from govwatch.engine.fetch.safety import AddressPolicy
from govwatch.engine.fetch.types import FetchConfig, FetchError

# A webhook's answer is a short JSON object; anything longer is cut, not read whole.
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class PostResult:
    """One POST: the status and body of the answer, or why there was none."""

    url: str
    status: int | None = None
    body: bytes = b""
    error: FetchError | None = None
    detail: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def json(self) -> Any:
        """The answer as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8", "replace"))
        except ValueError:
            return None


async def post_json_async(
    url: str,
    payload: Any,
    config: FetchConfig,
    *,
    headers: Mapping[str, str] | None = None,
) -> PostResult:
    """POST PAYLOAD as UTF-8 JSON to URL under CONFIG's timeouts and address policy."""
    started = time.monotonic()
    split = urlsplit(url)
    if split.scheme not in {"http", "https"}:
        return PostResult(url, error=FetchError.UNSUPPORTED_SCHEME, detail=split.scheme)
    host = split.hostname or ""
    if not host:
        return PostResult(url, error=FetchError.INVALID_URL, detail="no host")
    policy = AddressPolicy.from_entries(config.allow_hosts)
    # IP literals never reach the resolver, so the policy is applied to them here.
    if _is_ip(host) and not policy.allows(host, host):
        return PostResult(url, error=FetchError.PRIVATE_ADDRESS, detail=host)
    connector = aiohttp.TCPConnector(
        force_close=True,
        resolver=_GuardedResolver(policy, _parse_host_map(config.host_map)),
        ssl=_ssl_context(config.legacy_tls),
    )
    timeout = aiohttp.ClientTimeout(
        total=config.total_timeout,
        sock_connect=config.connect_timeout,
        sock_read=config.read_timeout,
    )
    sent_headers = {
        "User-Agent": config.user_agent,
        "Content-Type": "application/json; charset=utf-8",
        **(headers or {}),
    }
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        async with (
            aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                cookie_jar=aiohttp.DummyCookieJar(),
            ) as session,
            session.post(
                URL(url, encoded=True), data=data, headers=sent_headers, allow_redirects=False
            ) as resp,
        ):
            parts: list[bytes] = []
            size = 0
            async for chunk in resp.content.iter_chunked(8192):
                parts.append(chunk)
                size += len(chunk)
                if size >= MAX_ANSWER_BYTES:
                    break
            body = b"".join(parts)[:MAX_ANSWER_BYTES]
            return PostResult(
                url, status=resp.status, body=body, elapsed=time.monotonic() - started
            )
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
        error, detail = _classify(exc)
        return PostResult(url, error=error, detail=detail, elapsed=time.monotonic() - started)


def post_json(
    url: str,
    payload: Any,
    config: FetchConfig,
    *,
    headers: Mapping[str, str] | None = None,
) -> PostResult:
    """The blocking form of ``post_json_async``, for callers without an event loop."""
    return asyncio.run(post_json_async(url, payload, config, headers=headers))


__all__ = ["MAX_ANSWER_BYTES", "PostResult", "post_json", "post_json_async"]
