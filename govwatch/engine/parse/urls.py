"""URL normalisation and a memoised resolver for hrefs.

`urljoin` was the largest single cost of a plain crawler when profiled here: navigation,
sidebar and footer links repeat on every page of a site, so the common relative shapes are
resolved by hand and memoised per (page directory, href).
"""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit, urlunsplit

# Schemes that are not links to check at all (scripts, mail, phone, inline data).
IGNORED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")
_SAFE = ":/?#[]@!$&'()*+,;=%~"
_DEFAULT_PORTS = {"http": "80", "https": "443"}
UNSUPPORTED_PREFIX = "unsupported:"


def _encode(url: str) -> str:
    if url.isascii() and " " not in url:
        return url
    return quote(url.strip(), safe=_SAFE)


def _remove_dots(path: str) -> str:
    if "/." not in path and not path.startswith("."):
        return path
    out: list[str] = []
    parts = path.split("/")
    for part in parts[1:] if path.startswith("/") else parts:
        if part == "..":
            if out:
                out.pop()
        elif part != ".":
            out.append(part)
    tail = "/" if parts[-1] in {".", ".."} else ""
    return "/" + "/".join(out) + tail if out or tail else "/"


def normalize_url(url: str) -> str | None:
    """Canonical absolute http(s) URL: lower-case scheme and host, no default port, no
    fragment, dot segments resolved, non-ASCII percent-encoded. None if not http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = host if port is None or str(port) == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" + (f":{port}" if port and str(port) != _DEFAULT_PORTS[scheme] else "")
    path = _remove_dots(parts.path or "/")
    return _encode(urlunsplit((scheme, netloc, path, parts.query, "")))


def host_of(url: str) -> str:
    """Host name of a normalised URL (fast; no parsing beyond slicing)."""
    rest = url.split("://", 1)[-1]
    netloc = rest.split("/", 1)[0].split("?", 1)[0]
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")]
    return netloc.rsplit(":", 1)[0] if ":" in netloc else netloc


_MISSING = object()


class UrlResolver:
    """Resolves hrefs against page URLs; results are memoised per (page context, href)."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self._contexts: dict[str, dict[str, str | None]] = {}
        self._absolute: dict[str, str | None] = {}
        self._max = max_entries
        self._size = 0

    def page(self, base: str) -> PageResolver:
        """A resolver bound to one page URL (computes the page's prefixes once)."""
        if self._size > self._max:
            self._contexts.clear()
            self._absolute.clear()
            self._size = 0
        return PageResolver(self, base)

    def resolve(self, base: str, href: str) -> str | None:
        """Absolute normalised URL, `unsupported:<href>` for other schemes, or None to skip."""
        return PageResolver(self, base).resolve(href)

    def _context(self, key: str) -> dict[str, str | None]:
        found = self._contexts.get(key)
        if found is None:
            found = self._contexts[key] = {}
        return found


class PageResolver:
    __slots__ = (
        "_abs",
        "_base",
        "_by_dir",
        "_by_origin",
        "_by_path",
        "_dir",
        "_origin",
        "_owner",
        "_path",
        "_scheme",
    )

    def __init__(self, owner: UrlResolver, base: str) -> None:
        self._owner = owner
        self._base = base
        path = base.split("?", 1)[0]
        scheme_end = base.find("//")
        slash = path.find("/", scheme_end + 2) if scheme_end >= 0 else -1
        self._scheme = base[: max(scheme_end - 1, 0)]
        self._origin = path if slash < 0 else path[:slash]
        self._path = path
        self._dir = path.rsplit("/", 1)[0] + "/" if slash >= 0 else path + "/"
        self._abs = owner._absolute
        self._by_origin = owner._context("o" + self._origin)
        self._by_dir = owner._context("d" + self._dir)
        self._by_path = owner._context("p" + path)

    def resolve(self, href: str) -> str | None:
        href = href.strip()
        if not href:
            return None
        first = href[0]
        if first == "/":
            cache = self._by_origin
        elif first == "?":
            cache = self._by_path
        elif first == "#":
            return None
        else:
            cached = self._abs.get(href, _MISSING)
            if cached is not _MISSING:
                return cached  # type: ignore[return-value]
            cache = self._by_dir
        cached = cache.get(href, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result, absolute = self._compute(href)
        (self._abs if absolute else cache)[href] = result
        self._owner._size += 1
        return result

    def _compute(self, href: str) -> tuple[str | None, bool]:
        """(result, context-free?) for a href not seen in this context yet."""
        head = href[:11].lower()
        if head.startswith(IGNORED_SCHEMES):
            return None, True
        if head.startswith(("http://", "https://")):
            return normalize_url(href.split("#", 1)[0]), True
        if href.startswith("//"):
            return normalize_url(self._scheme + ":" + href.split("#", 1)[0]), False
        colon = href.find(":")
        if 0 < colon < 12 and href[:colon].isalpha():
            # Another scheme (ftp:, thunder:, file: ...): reported as unsupported.
            return UNSUPPORTED_PREFIX + href[:200], True
        target = href.split("#", 1)[0]
        if not target:
            return normalize_url(self._base), False
        if target[0] == "/":
            return normalize_url(self._origin + target), False
        if target[0] == "?":
            return normalize_url(self._path + target), False
        if not target.startswith((".", "\\")):
            return normalize_url(self._dir + target), False
        return normalize_url(urljoin(self._base, target)), False
