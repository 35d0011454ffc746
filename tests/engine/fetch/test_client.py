"""The fetch seam against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from govwatch.engine.fetch import FetchConfig, Fetcher, FetchError, FetchResult
from tests.engine.hostile.server import HostileServer


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer(drip_interval=0.1, slow_headers=3.0) as running:
        yield running


def _fetch(config: FetchConfig, url: str, **kwargs: object) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


def _config(**overrides: object) -> FetchConfig:
    fields: dict[str, object] = {
        "allow_hosts": ("127.0.0.1",),
        "total_timeout": 1.0,
        "retries": 1,
        "retry_backoff": 0.01,
    }
    fields.update(overrides)
    return FetchConfig(**fields)  # type: ignore[arg-type]


def test_loopback_is_refused_without_the_allow_list(server: HostileServer) -> None:
    before = sum(server.hits.values())
    result = _fetch(FetchConfig(), server.base + "/ok.html")
    assert result.error is FetchError.PRIVATE_ADDRESS
    mapped = FetchConfig(host_map=(("www.x.gov.cn", f"127.0.0.1:{server.port}"),))
    assert _fetch(mapped, "http://www.x.gov.cn/ok.html").error is FetchError.PRIVATE_ADDRESS
    assert sum(server.hits.values()) == before  # nothing reached the server


def test_allow_list_by_host_name_and_cidr(server: HostileServer) -> None:
    by_name = FetchConfig(
        host_map=(("www.x.gov.cn", f"127.0.0.1:{server.port}"),), allow_hosts=("www.x.gov.cn",)
    )
    assert _fetch(by_name, "http://www.x.gov.cn/ok.html").status == 200
    assert _fetch(FetchConfig(allow_hosts=("127.0.0.0/8",)), server.base + "/ok.html").ok


def test_user_agent_and_conditional_headers(server: HostileServer) -> None:
    result = _fetch(_config(user_agent="govwatch-test/1"), server.base + "/ok.html")
    assert result.ok and result.etag == '"v1"'
    assert server.user_agents[-1] == "govwatch-test/1"
    again = _fetch(_config(), server.base + "/ok.html", etag='"v1"')
    assert again.not_modified and again.body == b""
    assert server.headers_seen[-1]["If-None-Match"] == '"v1"'


def test_gzip_is_decoded_and_a_bomb_is_stopped(server: HostileServer) -> None:
    ok = _fetch(_config(), server.base + "/gzip-ok")
    assert "压缩页面".encode() in ok.body
    bomb = _fetch(_config(max_decompressed_bytes=1_000_000), server.base + "/gzip-bomb")
    assert bomb.error is FetchError.DECOMPRESSION_LIMIT and bomb.status == 200


def test_body_cap_and_timeouts(server: HostileServer) -> None:
    assert _fetch(_config(), server.base + "/huge").error is FetchError.TOO_LARGE
    assert _fetch(_config(), server.base + "/huge-declared").error is FetchError.TOO_LARGE
    assert _fetch(_config(), server.base + "/drip").error is FetchError.TIMEOUT
    assert _fetch(_config(), server.base + "/slow-headers").error is FetchError.TIMEOUT


def test_per_fetch_body_cap(server: HostileServer) -> None:
    small = _fetch(_config(), server.base + "/ok.html", max_bytes=10)
    assert small.error is FetchError.TOO_LARGE and small.status == 200
    assert small.content_type.startswith("text/html")  # kept: the caller may read it again
    assert _fetch(_config(max_body_bytes=10), server.base + "/ok.html", max_bytes=1000).ok
    bomb = _fetch(
        _config(max_decompressed_bytes=1_000_000), server.base + "/gzip-bomb", max_bytes=2_000_000
    )
    assert bomb.error is FetchError.DECOMPRESSION_LIMIT and "2000000" in bomb.detail


def test_redirects_loop_and_limit(server: HostileServer) -> None:
    loop = _fetch(_config(), server.base + "/redirect-loop")
    assert loop.error is FetchError.REDIRECT_LOOP
    chain = _fetch(_config(max_redirects=3), server.base + "/chain/1")
    assert chain.error is FetchError.TOO_MANY_REDIRECTS and len(chain.redirects) == 4


def test_retries_transient_only(server: HostileServer) -> None:
    start_503, start_500 = server.hits["/status/503"], server.hits["/status/500"]
    result = _fetch(_config(retries=2), server.base + "/status/503")
    assert result.status == 503 and result.attempts == 3
    assert server.hits["/status/503"] - start_503 == 3
    assert _fetch(_config(retries=2), server.base + "/status/500").attempts == 1
    assert server.hits["/status/500"] - start_500 == 1


def test_failures_are_values(server: HostileServer) -> None:
    assert _fetch(_config(), "ftp://x/y").error is FetchError.UNSUPPORTED_SCHEME
    assert _fetch(_config(), "http://nothing.invalid/").error is FetchError.DNS
    assert _fetch(_config(), server.base + "/reset").error is FetchError.RESET
    refused = _fetch(
        _config(host_map=(("dead.gov.cn", "127.0.0.1:9"),), allow_hosts=("127.0.0.0/8",)),
        "http://dead.gov.cn/",
    )
    assert refused.error is FetchError.REFUSED


def test_headers_only_check_does_not_read_the_body(server: HostileServer) -> None:
    result = _fetch(_config(), server.base + "/huge", read_body=False)
    assert result.status == 200 and result.error is None and result.headers_only
