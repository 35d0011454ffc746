"""The frontier of one site: scope, de-duplication, depth and page limits, trap bounds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from govwatch.engine.parse.urls import host_of

# Extensions that are resources to check, never pages to parse and follow.
_RESOURCES = (
    "pdf doc docx xls xlsx ppt pptx wps et zip rar 7z gz tar txt csv xml jpg jpeg png gif bmp"
    " webp svg ico mp3 mp4 avi wmv flv swf apk exe ofd ceb js css"
)
RESOURCE_EXTENSIONS = frozenset(_RESOURCES.split())
_ATTACHMENTS = "pdf doc docx xls xlsx ppt pptx wps et zip rar 7z txt csv ofd ceb"
ATTACHMENT_EXTENSIONS = frozenset(_ATTACHMENTS.split())


def extension(url: str) -> str:
    path = url.split("?", 1)[0].rsplit("/", 1)[-1]
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


@dataclass(frozen=True, slots=True)
class Admission:
    admitted: bool
    trap: bool = False


class Frontier:
    """Decides which in-scope URLs become pages to fetch; everything else is the caller's."""

    def __init__(
        self,
        hosts: set[str],
        *,
        max_pages: int,
        max_depth: int,
        max_query_variants: int,
        max_path_segments: int,
    ) -> None:
        self.hosts = hosts
        self.max_pages = max_pages
        self.max_depth = max_depth
        self.max_query_variants = max_query_variants
        self.max_path_segments = max_path_segments
        self.seen: set[str] = set()
        self.admitted = 0
        self.trap_skipped = 0
        self.trap_samples: list[str] = []
        self._query_variants: Counter[str] = Counter()

    def in_scope(self, url: str) -> bool:
        return host_of(url) in self.hosts

    def admit(self, url: str, depth: int, *, force: bool = False) -> Admission:
        """Admit a new in-scope page URL. `force` (home, columns, pagination) skips the
        depth and page limits but not the de-duplication."""
        if url in self.seen:
            return Admission(False)
        if not force:
            if depth > self.max_depth or self.admitted >= self.max_pages:
                return Admission(False)
            if self._is_trap(url):
                self.trap_skipped += 1
                if len(self.trap_samples) < 20:
                    self.trap_samples.append(url)
                return Admission(False, trap=True)
        self.seen.add(url)
        self.admitted += 1
        return Admission(True)

    def _is_trap(self, url: str) -> bool:
        path, _, query = url.partition("?")
        if query:
            # Calendars, sort orders and session ids make endless query strings on one path.
            self._query_variants[path] += 1
            if self._query_variants[path] > self.max_query_variants:
                return True
        segments = path.split("/")[3:]
        if len(segments) > self.max_path_segments:
            return True
        # Relative links on a misconfigured server repeat path segments (/a/b/a/b/a/b/...).
        counts = Counter(s for s in segments if s)
        return bool(counts) and max(counts.values()) >= 3
