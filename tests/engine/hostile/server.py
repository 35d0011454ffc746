"""A hostile HTTP server on 127.0.0.1 with named failure routes, run in a thread."""

from __future__ import annotations

import asyncio
import zlib
from collections import Counter

from aiohttp import web

from demo.loopback import LoopbackServer

CHUNK = b"x" * 65536
HUGE_BYTES = 100 * 1024 * 1024


def gzip_bomb(inflated_mb: int = 256) -> bytes:
    """A small gzip body that inflates to `inflated_mb` MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(inflated_mb)]
    parts.append(packer.flush())
    return b"".join(parts)


INDEX = """<html><head><title>hostile</title></head><body>
<a href="/drip">drip</a> <a href="/huge">huge</a> <a href="/huge-declared">huge declared</a>
<a href="/gzip-bomb">bomb</a> <a href="/redirect-loop">loop</a> <a href="/calendar?month=2024-07">cal</a>
<a href="/gbk-bad">gbk</a> <a href="/reset">reset</a> <a href="/status/500">500</a>
<a href="/status/503">503</a> <a href="/status/403">403</a> <a href="/status/429">429</a>
<a href="/status/404">404</a> <a href="/slow-headers">slow</a> <a href="/ok.html">ok</a>
<a href="http://10.0.0.1/internal">intranet</a> <a href="ftp://files.example/x">ftp</a>
<a href="/gzip-ok">gzip ok</a>
</body></html>"""

GBK_BAD = (
    "<html><head><title>关于开展安全生产检查的通知</title></head><body><ul>"
    "<li><a href='/ok.html'>通知正文</a><span>2024年6月28日</span></li></ul>"
).encode("gbk") + b"\xff\x81\xfe bad \x80</body></html>"


class HostileServer(LoopbackServer):
    def __init__(self, drip_interval: float = 0.2, slow_headers: float = 5.0) -> None:
        super().__init__()
        self.hits: Counter[str] = Counter()
        self.user_agents: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self._drip_interval = drip_interval
        self._slow = slow_headers
        self._bomb = gzip_bomb()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        self.headers_seen.append(dict(request.headers))
        html = "text/html; charset=utf-8"
        if path == "/":
            return web.Response(text=INDEX, content_type="text/html")
        if path == "/ok.html":
            etag = '"v1"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(
                body=b"<html><title>ok</title></html>", headers={"Content-Type": html, "ETag": etag}
            )
        if path == "/drip":
            resp = web.StreamResponse(headers={"Content-Type": html})
            await resp.prepare(request)
            for _ in range(600):
                await resp.write(b"<")
                await asyncio.sleep(self._drip_interval)
            return resp
        if path in {"/huge", "/huge-declared"}:
            headers = {"Content-Type": html}
            if path == "/huge-declared":
                headers["Content-Length"] = str(HUGE_BYTES)
            resp = web.StreamResponse(headers=headers)
            await resp.prepare(request)
            try:
                for _ in range(HUGE_BYTES // len(CHUNK)):
                    await resp.write(CHUNK)
            except (ConnectionError, RuntimeError):
                pass
            return resp
        if path == "/gzip-bomb":
            return web.Response(
                body=self._bomb, headers={"Content-Type": html, "Content-Encoding": "gzip"}
            )
        if path == "/gzip-ok":
            body = zlib.compress("<html><title>压缩页面</title></html>".encode(), wbits=31)
            return web.Response(
                body=body, headers={"Content-Type": html, "Content-Encoding": "gzip"}
            )
        if path == "/redirect-loop":
            raise web.HTTPFound("/redirect-loop-2")
        if path == "/redirect-loop-2":
            raise web.HTTPFound("/redirect-loop")
        if path.startswith("/chain/"):
            number = int(path.rsplit("/", 1)[1])
            raise web.HTTPFound(f"/chain/{number + 1}")
        if path == "/calendar":
            month = request.query.get("month", "2024-07")
            year, mon = (int(x) for x in month.split("-"))
            nxt = f"{year + (mon == 12)}-{mon % 12 + 1:02d}"
            return web.Response(text=f'<a href="?month={nxt}">下月</a>', content_type="text/html")
        if path == "/gbk-bad":
            return web.Response(body=GBK_BAD, headers={"Content-Type": "text/html"})
        if path == "/reset":
            transport = request.transport
            if transport is not None:
                transport.abort()
            await asyncio.sleep(0.05)
            return web.Response(text="never")
        if path == "/slow-headers":
            await asyncio.sleep(self._slow)
            return web.Response(text="late")
        if path.startswith("/status/"):
            status = int(path.rsplit("/", 1)[1])
            return web.Response(status=status, text=f"status {status}")
        return web.Response(status=404, text="not found")
