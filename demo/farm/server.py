"""Serving a farm on 127.0.0.1: one aiohttp server, virtual hosts by the Host header.

Runs in a background thread with its own event loop, so synchronous tests and scripts can
use it as a context manager. Every request is logged (host, path, conditional?) so tests
can tell what a scan fetched.

The fixable site's defect is fixed while the farm runs, by FarmServer.fix(code) in the
same process or, from anywhere on this machine, by the control path on the server's own
address (never on a farm site's name, so no crawl can reach it):

    POST http://127.0.0.1:<port>/__farm__/fix/<site code>     -> 200 {"site": ..., "fixed": true}
    POST http://127.0.0.1:<port>/__farm__/reset/<site code>   -> 200 {"site": ..., "fixed": false}
    GET  http://127.0.0.1:<port>/__farm__/fixes               -> 200 {"fixable": [...], "fixed": [...]}

Each FarmServer starts with every site unfixed, so a farm stays deterministic for a seed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from demo.farm.build import CONTROL_PREFIX, Farm, FarmPage
from demo.loopback import LoopbackServer
from govwatch.engine.crawl.models import ColumnSpec, SiteSpec
from govwatch.engine.fetch.types import FetchConfig

LAST_MODIFIED = "Mon, 01 Jul 2024 00:00:00 GMT"
# The Host names the control path answers on: the server's own loopback address.
_CONTROL_HOSTS = frozenset({"127.0.0.1", "localhost"})
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
        self.fixed: set[str] = set()  # codes of the fixable sites fixed on this server

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

    def fix_url(self, code: str) -> str:
        """Where to POST to fix site CODE's planted defect (from any process)."""
        return f"{self.base}{CONTROL_PREFIX}fix/{code}"

    def fix(self, code: str) -> None:
        """Serve site CODE as fixed from now on (its pages with the defect removed)."""
        if code not in self.farm.fixable:
            raise KeyError(f"演示站群中没有可整改的网站 {code}")
        self.fixed.add(code)

    def reset(self, code: str) -> None:
        """Serve site CODE with its planted defect again."""
        if code not in self.farm.fixable:
            raise KeyError(f"演示站群中没有可整改的网站 {code}")
        self.fixed.discard(code)

    def _fixed_hosts(self) -> set[str]:
        return {self.farm.fixable[code] for code in self.fixed}

    def _control(self, request: web.Request) -> web.Response:
        """The control path: fix or reset a fixable site, or list them (JSON answers)."""
        parts = request.path[len(CONTROL_PREFIX) :].strip("/").split("/")
        action, code = parts[0], "/".join(parts[1:])
        if action == "fixes" and len(parts) == 1:
            if request.method != "GET":
                return _json({"error": "只接受 GET"}, status=405, allow="GET")
            return _json({"fixable": sorted(self.farm.fixable), "fixed": sorted(self.fixed)})
        if action not in ("fix", "reset") or not code:
            return _json({"error": "未知的控制路径"}, status=404)
        if request.method != "POST":
            return _json({"error": "只接受 POST"}, status=405, allow="POST")
        if code not in self.farm.fixable:
            return _json({"error": f"演示站群中没有可整改的网站 {code}"}, status=404)
        if action == "fix":
            self.fix(code)
        else:
            self.reset(code)
        return _json({"site": code, "fixed": code in self.fixed})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host_name = (request.host or "").split(":", 1)[0].lower()
        if host_name in _CONTROL_HOSTS and request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
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
            found = None
            if host.fixed_pages and host_name in self._fixed_hosts():
                found = _lookup(host.fixed_pages, path)
            found = found or _lookup(host.pages, path)
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


def _lookup(pages: dict[str, FarmPage], path: str) -> FarmPage | None:
    return pages.get(path) or (pages.get(path + "index.html") if path.endswith("/") else None)


def _json(data: dict[str, Any], status: int = 200, allow: str = "") -> web.Response:
    headers = {"Allow": allow} if allow else None
    return web.Response(
        status=status,
        body=json.dumps(data, ensure_ascii=False).encode(),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )
