"""The one network seam: the only module that imports the HTTP client (aiohttp).

Everything the crawler needs from HTTP goes through `Fetcher.fetch`, which always returns
a `FetchResult`; every failure (DNS, refused, reset, timeout, TLS, oversize body, gzip bomb,
redirect loop, private address) becomes a value with a `FetchError` reason.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
import ssl
import time
import warnings
import zlib
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from govwatch.engine.fetch.ratelimit import HostLimiter
from govwatch.engine.fetch.safety import AddressPolicy
from govwatch.engine.fetch.types import FetchConfig, FetchError, FetchResult

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUSES = frozenset({502, 503, 504})
_TRANSIENT_ERRORS = frozenset({FetchError.RESET})
_CHUNK = 65536
# Small bodies of unwanted answers are still drained so that the connection can be reused.
_DRAIN_LIMIT = 65536


class _RefusedAddress(OSError):
    """The host resolved only to addresses the policy refuses."""


class _GuardedResolver(AbstractResolver):
    """Resolves through the static host map or the system, then drops refused addresses.

    Checking here, at connect time, covers redirects and links to other hosts alike and
    leaves no gap between the check and the connection (DNS rebinding).
    """

    def __init__(self, policy: AddressPolicy, host_map: dict[str, tuple[str, int | None]]) -> None:
        self._policy = policy
        self._host_map = host_map
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        name = host.lower().rstrip(".")
        mapped = self._host_map.get(name)
        if mapped is not None:
            ip, mapped_port = mapped
            infos: list[ResolveResult] = [
                {
                    "hostname": host,
                    "host": ip,
                    "port": mapped_port or port,
                    "family": socket.AF_INET6 if ":" in ip else socket.AF_INET,
                    "proto": 0,
                    "flags": socket.AI_NUMERICHOST,
                }
            ]
        elif name.endswith(".invalid") or name == "invalid":
            # RFC 6761: never resolves; answer locally instead of asking a DNS server.
            raise OSError(socket.EAI_NONAME, f"{host} does not resolve")
        else:
            infos = await self._inner.resolve(host, port, family)
        allowed = [info for info in infos if self._policy.allows(name, info["host"])]
        if not allowed:
            raise _RefusedAddress(f"{host} resolves only to private or reserved addresses")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _parse_host_map(pairs: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, int | None]]:
    result: dict[str, tuple[str, int | None]] = {}
    for host, target in pairs:
        ip, sep, port = target.rpartition(":") if target.count(":") == 1 else (target, "", "")
        result[host.lower()] = (ip, int(port)) if sep else (target, None)
    return result


def _ssl_context(legacy: bool) -> ssl.SSLContext | bool:
    if not legacy:
        return True
    # Many county sites still run old TLS stacks with expired or self-made certificates;
    # when the operator asks for tolerance we still want to see the page and report it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        # TLS 1.0/1.1 are deprecated; accepting them is the point of this option.
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


_LOCAL_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


def _classify(exc: BaseException) -> tuple[FetchError, str]:
    text = f"{type(exc).__name__}: {exc}"[:200]
    os_error = getattr(exc, "os_error", exc)
    if isinstance(os_error, OSError) and os_error.errno in _LOCAL_ERRNOS:
        return FetchError.LOCAL, text  # too many open files here: not the server's failure
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, _RefusedAddress):
            return FetchError.PRIVATE_ADDRESS, text
        cause = cause.__cause__ or cause.__context__
        if cause is exc:
            break
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError.DNS, text
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return FetchError.TLS, text
    if isinstance(exc, aiohttp.InvalidURL | ValueError | UnicodeError):
        return FetchError.INVALID_URL, text
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return FetchError.TIMEOUT, text
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return FetchError.REFUSED, text
        if isinstance(exc.os_error, socket.gaierror):
            return FetchError.DNS, text
        return FetchError.REFUSED, text
    if isinstance(
        exc,
        aiohttp.ServerDisconnectedError
        | aiohttp.ClientPayloadError
        | aiohttp.ClientOSError
        | ConnectionError,
    ):
        return FetchError.RESET, text
    return FetchError.PROTOCOL, text


class _Failure(Exception):
    def __init__(
        self, error: FetchError, detail: str, status: int | None = None, content_type: str = ""
    ) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.status = status
        self.content_type = content_type


class _Inflater:
    """Incremental gzip/deflate decoding with a hard cap on the inflated size."""

    def __init__(self, encoding: str, cap: int) -> None:
        wbits = 16 + zlib.MAX_WBITS if encoding in {"gzip", "x-gzip"} else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        self._raw_deflate = encoding == "deflate"
        self._cap = cap
        self._size = 0

    def feed(self, chunk: bytes) -> bytes:
        room = self._cap - self._size + 1
        try:
            out = self._obj.decompress(chunk, room)
        except zlib.error:
            if not self._raw_deflate or self._size:
                raise _Failure(FetchError.PROTOCOL, "corrupt compressed body") from None
            # Some servers send raw deflate without the zlib header.
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            self._raw_deflate = False
            out = self._obj.decompress(chunk, room)
        self._size += len(out)
        if self._size > self._cap or self._obj.unconsumed_tail:
            raise _Failure(FetchError.DECOMPRESSION_LIMIT, f"inflates past {self._cap} bytes")
        return out


class Fetcher:
    """Async HTTP fetcher. Use as `async with Fetcher(config) as f: await f.fetch(url)`."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self._policy = AddressPolicy.from_entries(config.allow_hosts)
        self._host_map = _parse_host_map(config.host_map)
        self._global = asyncio.Semaphore(max(1, config.global_concurrency))
        self._hosts = HostLimiter(config.per_host_concurrency, config.per_host_delay)
        self._session: aiohttp.ClientSession | None = None
        self.requests = 0  # HTTP requests actually sent, for tests and benchmarks
        self._literal_checked: dict[str, bool] = {}

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        connector = aiohttp.TCPConnector(
            limit=max(1, cfg.global_concurrency),
            limit_per_host=0,
            force_close=not cfg.keep_alive,
            resolver=_GuardedResolver(self._policy, self._host_map),
            ssl=_ssl_context(cfg.legacy_tls),
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=cfg.total_timeout,
                sock_connect=cfg.connect_timeout,
                sock_read=cfg.read_timeout,
            ),
            auto_decompress=False,
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            cookie_jar=aiohttp.DummyCookieJar(),
            max_line_size=16384,
            max_field_size=16384,
        )
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        read_body: bool = True,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects by hand; retries transient failures with backoff.
        `max_bytes` replaces the config's body cap for this fetch (attachments read for
        their text); the inflated-size cap is then at least as large."""
        started = time.monotonic()
        attempt = 0
        cfg = self.config
        caps = (
            (cfg.max_body_bytes, cfg.max_decompressed_bytes)
            if max_bytes is None
            else (max_bytes, max(max_bytes, cfg.max_decompressed_bytes))
        )
        while True:
            attempt += 1
            result = await self._fetch_once(url, etag, last_modified, read_body, caps)
            transient = result.error in _TRANSIENT_ERRORS or (
                result.error is None and result.status in _TRANSIENT_STATUSES
            )
            if not transient or attempt > self.config.retries:
                break
            await asyncio.sleep(self.config.retry_backoff * (2 ** (attempt - 1)))
        return _replace_timing(result, attempt, time.monotonic() - started)

    async def _fetch_once(
        self, url: str, etag: str, last_modified: str, read_body: bool, caps: tuple[int, int]
    ) -> FetchResult:
        seen: list[str] = []
        current = url
        while True:
            split = urlsplit(current)
            if split.scheme not in {"http", "https"}:
                return FetchResult(
                    url,
                    current,
                    error=FetchError.UNSUPPORTED_SCHEME,
                    detail=split.scheme,
                    redirects=tuple(seen),
                )
            host = split.hostname or ""
            if not host:
                return FetchResult(
                    url,
                    current,
                    error=FetchError.INVALID_URL,
                    detail="no host",
                    redirects=tuple(seen),
                )
            if not self._literal_ok(host):
                return FetchResult(
                    url,
                    current,
                    error=FetchError.PRIVATE_ADDRESS,
                    detail=host,
                    redirects=tuple(seen),
                )
            try:
                async with self._global, self._hosts.slot(host):
                    step = await self._request(
                        current,
                        etag if not seen else "",
                        last_modified if not seen else "",
                        read_body,
                        caps,
                    )
            except _Failure as failure:
                return FetchResult(
                    url,
                    current,
                    status=failure.status,
                    error=failure.error,
                    detail=failure.detail,
                    content_type=failure.content_type,
                    redirects=tuple(seen),
                )
            except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
                error, detail = _classify(exc)
                return FetchResult(url, current, error=error, detail=detail, redirects=tuple(seen))
            status, location, result_fields = step
            if status in _REDIRECT_STATUSES and location:
                seen.append(current)
                target = urljoin(current, location).split("#", 1)[0]
                if target in seen or target == current:
                    return FetchResult(
                        url,
                        target,
                        status=status,
                        error=FetchError.REDIRECT_LOOP,
                        detail=f"back to {target}",
                        redirects=tuple(seen),
                    )
                if len(seen) > self.config.max_redirects:
                    return FetchResult(
                        url,
                        target,
                        status=status,
                        error=FetchError.TOO_MANY_REDIRECTS,
                        detail=f"more than {self.config.max_redirects}",
                        redirects=tuple(seen),
                    )
                current = target
                continue
            return FetchResult(
                url=url, final_url=current, status=status, redirects=tuple(seen), **result_fields
            )

    def _literal_ok(self, host: str) -> bool:
        """IP-literal hosts skip the resolver, so the policy is applied here (memoised)."""
        known = self._literal_checked.get(host)
        if known is None:
            known = self._literal_checked[host] = not _is_ip(host) or self._policy.allows(
                host, host
            )
        return known

    async def _request(
        self, url: str, etag: str, last_modified: str, read_body: bool, caps: tuple[int, int]
    ) -> tuple[int, str, dict[str, Any]]:
        """One request; `caps` = (body cap, inflated-size cap)."""
        assert self._session is not None, "use Fetcher as an async context manager"
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        async with self._session.get(
            URL(url, encoded=True), headers=headers, allow_redirects=False
        ) as resp:
            status = resp.status
            location = resp.headers.get("Location", "")
            fields: dict[str, Any] = {
                "content_type": resp.headers.get("Content-Type", ""),
                "etag": resp.headers.get("ETag", ""),
                "last_modified": resp.headers.get("Last-Modified", ""),
            }
            if (status in _REDIRECT_STATUSES and location) or status == 304:
                return status, location, fields
            length = resp.content_length
            if not read_body and status < 400:
                fields["headers_only"] = True
                if length is not None and length <= _DRAIN_LIMIT:
                    await resp.read()
                return status, location, fields
            ctype = fields["content_type"]
            cap = caps[0]
            if length is not None and length > cap:
                raise _Failure(FetchError.TOO_LARGE, f"Content-Length {length}", status, ctype)
            fields["body"] = await self._read_body(resp, status, caps, ctype)
            return status, location, fields

    async def _read_body(
        self, resp: aiohttp.ClientResponse, status: int, caps: tuple[int, int], ctype: str
    ) -> bytes:
        cap, inflated_cap = caps
        encoding = resp.headers.get("Content-Encoding", "").strip().lower()
        inflater = (
            _Inflater(encoding, inflated_cap) if encoding in {"gzip", "x-gzip", "deflate"} else None
        )
        parts: list[bytes] = []
        raw = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            raw += len(chunk)
            if raw > cap:
                raise _Failure(FetchError.TOO_LARGE, f"body above {cap} bytes", status, ctype)
            if inflater is None:
                parts.append(chunk)
                continue
            try:
                parts.append(inflater.feed(chunk))
            except _Failure as failure:
                raise _Failure(failure.error, failure.detail, status, ctype) from None
        return b"".join(parts)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _replace_timing(result: FetchResult, attempts: int, elapsed: float) -> FetchResult:
    from dataclasses import replace

    return replace(result, attempts=attempts, elapsed=elapsed)
