"""A loopback server for probe tests: one behaviour per host name (all on one port)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from demo.loopback import LoopbackServer
from govwatch.engine.fetch.types import FetchConfig


class ProbeServer(LoopbackServer):
    """Hosts named `ok-…` answer 200; `down-…` 503; `gone-…` 404; `deny-…` 403; `hang-…`
    never answer; `flaky<N>-…` answer 503 to every Nth request and 200 otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: dict[str, int] = {}

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").split(":", 1)[0]
        count = self.hits[host] = self.hits.get(host, 0) + 1
        kind = host.split("-", 1)[0]
        if kind == "hang":
            await asyncio.sleep(3600)
        if kind.startswith("flaky") and count % int(kind[5:]) == 0:
            return web.Response(status=503)
        status = {"down": 503, "gone": 404, "deny": 403}.get(kind, 200)
        return web.Response(status=status, text="<html><title>首页</title></html>")

    def fetch_config(self, hosts: list[str], refused_port: int = 1) -> FetchConfig:
        mapping = tuple(
            (h, f"127.0.0.1:{refused_port if h.startswith('refused') else self.port}")
            for h in hosts
            if not h.endswith(".invalid")  # RFC 6761: never resolves
        )
        return FetchConfig(host_map=mapping, allow_hosts=("127.0.0.0/8",))
