"""TLS: a self-signed certificate is a TLS failure by default and tolerated on request."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from aiohttp import web

from govwatch.engine.fetch import FetchConfig, Fetcher, FetchError, FetchResult

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


async def _ok(_: web.Request) -> web.Response:
    return web.Response(text="<title>ok</title>", content_type="text/html")


async def _serve_and_fetch(cert: Path, key: Path, configs: list[FetchConfig]) -> list[FetchResult]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_get("/", _ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    results = []
    try:
        for config in configs:
            async with Fetcher(config) as fetcher:
                results.append(await fetcher.fetch(f"https://127.0.0.1:{port}/"))
    finally:
        await runner.cleanup()
    return results


def test_self_signed_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    strict = FetchConfig(allow_hosts=("127.0.0.1",), retries=0)
    tolerant = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, legacy_tls=True)
    refused, accepted = asyncio.run(_serve_and_fetch(cert, key, [strict, tolerant]))
    assert refused.error is FetchError.TLS
    assert accepted.ok and b"ok" in accepted.body
