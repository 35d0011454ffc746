"""Login and transport hardening that Django does not ship: proxy headers trusted only from
the configured reverse proxies, the Content-Security-Policy header, and the Chinese lockout
page of django-axes.

Reads no environment: every knob is a setting (govwatch/web/config/settings.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from axes.apps import AppConfig as _AxesAppConfig
from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# What a client may send to pose as the proxy: dropped unless the peer is a trusted proxy.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


class AxesConfig(_AxesAppConfig):
    """django-axes under a Chinese name in the admin (its models are translated by the
    project's catalog, govwatch/web/locale)."""

    verbose_name = "登录安全"


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def forwarded_client(forwarded_for: str, networks: tuple[Network, ...]) -> str | None:
    """The client a chain of proxies reports: the right-most X-Forwarded-For entry that is
    not itself a trusted proxy (entries left of it were written by the client and prove
    nothing). None when the header is missing or its entry there is not an address."""
    entries = [part for part in forwarded_for.split(",") if part.strip()]
    address: Address | None = None
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:
            return None
        if not _trusted(address, networks):
            return str(address)
    return str(address) if address is not None else None


class ProxyHeadersMiddleware:
    """First in MIDDLEWARE. From a peer in GOVWATCH_TRUSTED_PROXIES (the reverse proxy),
    X-Forwarded-Proto is kept (SECURE_PROXY_SSL_HEADER reads it) and REMOTE_ADDR becomes
    the client that X-Forwarded-For names, which the login lockout counts by. From any other
    peer the X-Forwarded-* headers are dropped: a client cannot claim https or another
    address by sending them itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        networks = trusted_networks(tuple(settings.GOVWATCH_TRUSTED_PROXIES))
        if networks and _trusted(_address(meta.get("REMOTE_ADDR", "")), networks):
            client = forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", ""), networks)
            if client:
                meta["REMOTE_ADDR"] = client
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends settings.GOVWATCH_CONTENT_SECURITY_POLICY on every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.GOVWATCH_CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the peer, already resolved by ProxyHeadersMiddleware (axes
    would otherwise use django-ipware when installed, with its own idea of proxies)."""
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def lockout_message() -> str:
    minutes = settings.GOVWATCH_LOGIN_LOCKOUT_MINUTES
    return f"登录失败次数过多，账户已锁定，请于{minutes}分钟后再试或联系管理员。"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the admin's look, a Chinese message, 429."""
    from django.contrib import admin
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),
        "title": "登录已锁定",
        "message": lockout_message(),
        "failures": settings.GOVWATCH_LOGIN_FAILURES,
    }
    return render(request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
