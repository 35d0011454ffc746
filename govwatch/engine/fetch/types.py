"""Value objects of the fetch layer: the config that goes in and the result that comes out.

Nothing here imports the HTTP client, so the crawler and the tests can build and read these
without touching the network seam (client.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; govwatch/0.1; +gov website supervision)"


class FetchError(StrEnum):
    """Why a fetch produced no usable answer. A closed set: callers switch on it."""

    DNS = "dns"
    REFUSED = "refused"  # TCP connection refused
    RESET = "reset"  # connection reset or closed mid-answer
    TIMEOUT = "timeout"
    TLS = "tls"
    PRIVATE_ADDRESS = "private_address"  # resolved to a private/reserved address, not allowed
    TOO_LARGE = "too_large"  # body above max_body_bytes
    DECOMPRESSION_LIMIT = "decompression_limit"  # compressed body inflates past the cap
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    UNSUPPORTED_SCHEME = "unsupported_scheme"
    INVALID_URL = "invalid_url"
    PROTOCOL = "protocol"  # malformed HTTP from the server
    # Our side ran out of something (open files, buffers): says nothing about the server.
    LOCAL = "local"


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How politely and how defensively to fetch. Defaults suit real government sites."""

    user_agent: str = DEFAULT_USER_AGENT
    global_concurrency: int = 64
    per_host_concurrency: int = 4
    per_host_delay: float = 0.0  # seconds between request starts to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_decompressed_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2  # extra attempts, transient failures only
    retry_backoff: float = 0.5  # first wait; doubles each attempt
    legacy_tls: bool = False  # accept old protocols/ciphers and unverified certificates
    # False closes each connection after its answer: a probe round visits thousands of
    # hosts once each, and kept-alive idle sockets would pile up to one per host.
    keep_alive: bool = True
    # Hosts, IPs or CIDRs exempt from the private/reserved-address refusal (the web layer
    # fills this from its GOVWATCH_ALLOW_HOSTS setting; tests and the demo use 127.0.0.0/8).
    allow_hosts: tuple[str, ...] = ()
    # Static name resolution, "host" -> "ip" or "ip:port" (like curl --resolve): lets the
    # demo farm serve realistic gov.cn names from one loopback port.
    host_map: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch, success or failure. Failures are values with a reason, never exceptions."""

    url: str
    final_url: str
    status: int | None = None
    error: FetchError | None = None
    detail: str = ""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    body: bytes = b""
    headers_only: bool = False  # the body was deliberately not read
    redirects: tuple[str, ...] = field(default=())
    attempts: int = 1
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_html(self) -> bool:
        ct = self.content_type.lower()
        return ct.startswith("text/html") or ct.startswith("application/xhtml") or not ct
