"""Serving a farm on 127.0.0.1: one aiohttp server, virtual hosts by the Host header.

Runs in a background thread with its own event loop, so synchronous tests and scripts can
use it as a context manager. Every request is logged (host, path, conditional?) so tests
can tell what a scan fetched.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from demo.farm.build import Farm, FarmPage
from demo.loopback import LoopbackServer
from govwatch.engine.crawl.models import ColumnSpec, SiteSpec
from govwatch.engine.fetch.types import FetchConfig

LAST_MODIFIED = "Mon, 01 Jul 2024 00:00:00 GMT"
_REASONS = {200: b"ok", 403: b"Forbidden", 404: b"Not Found", 429: b"Too Many Requests"}


@dataclass(frozen=True)
class LoggedRequest:
    host: str
    path: str
    conditional: bool


def _calendar(month: str) -> bytes:
    """An endless calendar: every month links to the next and the previous one."""
    try:
        year, mon = (int(x) for x in month.split("-", 1))
    except ValueError:
        year, mon = 2024, 7
    nxt = f"{year + (mon == 12)}-{mon % 12 + 1:02d}"
    prev = f"{year - (mon == 1)}-{(mon - 2) % 12 + 1:02d}"
    return (
        f"<html><head><title>日历 {year}-{mon:02d}</title></head><body>"
        f'<a href="?month={prev}">上月</a> <a href="?month={nxt}">下月</a></body></html>'
    ).encode()


class FarmServer(LoopbackServer):
    def __init__(self, farm: Farm) -> None:
        super().__init__()
        self.farm = farm
        self.dead_port = 0
        self.requests: list[LoggedRequest] = []
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.home_hits: dict[str, int] = {}

    def __enter__(self) -> FarmServer:
        super().__enter__()
        # A port that was bound and released: connecting to it is refused.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.dead_port = sock.getsockname()[1]
        return self

    def host_map(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, f"127.0.0.1:{self.dead_port if host.unreachable else self.port}")
            for name, host in sorted(self.farm.hosts.items())
        )

    def fetch_config(self, **overrides: Any) -> FetchConfig:
        fields: dict[str, Any] = {
            "host_map": self.host_map(),
            "allow_hosts": ("127.0.0.0/8",),
            "per_host_concurrency": 8,
            "retry_backoff": 0.05,
            "total_timeout": 10.0,
        }
        fields.update(overrides)
        return FetchConfig(**fields)

    def site_specs(self) -> list[SiteSpec]:
        return [
            SiteSpec(
                code=s["code"],
                name=s["name"],
                home_url=s["home_url"],
                columns=tuple(ColumnSpec(n, u, k) for n, u, k in s["columns"]),
            )
            for s in self.farm.sites
        ]

    def clear_log(self) -> None:
        self.requests.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host_name = (request.host or "").split(":", 1)[0].lower()
        conditional = "If-None-Match" in request.headers or "If-Modified-Since" in request.headers
        self.requests.append(LoggedRequest(host_name, request.path_qs, conditional))
        host = self.farm.hosts.get(host_name)
        if host is None:
            return web.Response(status=404, body=b"unknown host")
        if host.delay:
            count = self.in_flight[host_name] = self.in_flight.get(host_name, 0) + 1
            self.max_in_flight[host_name] = max(self.max_in_flight.get(host_name, 0), count)
            try:
                await asyncio.sleep(host.delay)
            finally:
                self.in_flight[host_name] -= 1
        path = request.path
        if host.home_fail_every and path == "/":
            count = self.home_hits[host_name] = self.home_hits.get(host_name, 0) + 1
            if count % host.home_fail_every == 0:
                return web.Response(status=503, body=b"service unavailable")
        if path.startswith("/rili/"):
            page = FarmPage(_calendar(request.query.get("month", "")), "text/html; charset=utf-8")
        else:
            found = host.pages.get(path) or (
                host.pages.get(path + "index.html") if path.endswith("/") else None
            )
            if found is None:
                status = host.default_status
                body = _REASONS.get(status, b"error")
                if status == 200:
                    body = b"<html><title>ok</title><body>ok</body></html>"
                found = FarmPage(body, "text/html; charset=utf-8", status)
            page = found
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if page.status == 200 and request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(
            status=page.status,
            body=page.body,
            headers={**headers, "Content-Type": page.content_type},
        )
