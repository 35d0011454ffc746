"""Crawl state: what a scan already has, so a killed scan resumes and a re-scan is cheap.

A page record keeps the validators (ETag, Last-Modified), the content hash and the page's
digest; a check record keeps one link-check answer. Records carry the scan id that wrote
them: the same id means "this run already finished it" (resume: no request at all), an
older id means "known from before" (re-scan: conditional request, no parse if unchanged).
Every record is written as soon as it is finished, so a kill loses at most the pages that
were in flight.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class PageRecord:
    url: str
    scan_id: str
    status: int | None
    error: str
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    is_page: bool = True  # False: not HTML (an answer to check, not a page to parse)
    as_list: bool = False  # the digest includes list items
    as_site: bool = False  # the digest includes nav, footer and text
    digest: dict[str, Any] | None = None
    outcome: str = "ok"  # the LinkOutcome of the page URL itself

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "scan": self.scan_id,
            "status": self.status,
            "error": self.error,
            "etag": self.etag,
            "lm": self.last_modified,
            "hash": self.content_hash,
            "page": self.is_page,
            "list": self.as_list,
            "site": self.as_site,
            "digest": self.digest,
            "outcome": self.outcome,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageRecord:
        return cls(
            url=data["url"],
            scan_id=data["scan"],
            status=data["status"],
            error=data["error"],
            etag=data.get("etag", ""),
            last_modified=data.get("lm", ""),
            content_hash=data.get("hash", ""),
            is_page=data.get("page", True),
            as_list=data.get("list", False),
            as_site=data.get("site", False),
            digest=data.get("digest"),
            outcome=data.get("outcome", "ok"),
        )


@dataclass(frozen=True, slots=True)
class CheckRecord:
    url: str
    scan_id: str
    outcome: str
    reason: str
    status: int | None


class StateStore(Protocol):
    def load_page(self, url: str) -> PageRecord | None: ...
    def save_page(self, record: PageRecord) -> None: ...
    def load_check(self, scan_id: str, url: str) -> CheckRecord | None: ...
    def save_check(self, record: CheckRecord) -> None: ...
    def close(self) -> None: ...


class MemoryStateStore:
    """In-process store (tests, and one-off scans that still want re-scan savings)."""

    def __init__(self) -> None:
        self.pages: dict[str, PageRecord] = {}
        self.checks: dict[tuple[str, str], CheckRecord] = {}

    def load_page(self, url: str) -> PageRecord | None:
        return self.pages.get(url)

    def save_page(self, record: PageRecord) -> None:
        self.pages[record.url] = record

    def load_check(self, scan_id: str, url: str) -> CheckRecord | None:
        return self.checks.get((scan_id, url))

    def save_check(self, record: CheckRecord) -> None:
        self.checks[(record.scan_id, record.url)] = record

    def close(self) -> None:
        return None


class SqliteStateStore:
    """sqlite3 file store. Autocommit with synchronous=OFF: each record reaches the OS as it
    is written (survives a killed process; a power cut may lose the last moments, which only
    costs refetches)."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE IF NOT EXISTS page (url TEXT PRIMARY KEY, data TEXT)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS link_check (scan_id TEXT, url TEXT, outcome TEXT,"
            " reason TEXT, status INTEGER, PRIMARY KEY (scan_id, url))"
        )
        self._current_scan = ""

    def load_page(self, url: str) -> PageRecord | None:
        row = self._db.execute("SELECT data FROM page WHERE url = ?", (url,)).fetchone()
        return PageRecord.from_json(json.loads(row[0])) if row else None

    def save_page(self, record: PageRecord) -> None:
        data = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":"))
        self._db.execute("INSERT OR REPLACE INTO page VALUES (?, ?)", (record.url, data))

    def load_check(self, scan_id: str, url: str) -> CheckRecord | None:
        row = self._db.execute(
            "SELECT outcome, reason, status FROM link_check WHERE scan_id = ? AND url = ?",
            (scan_id, url),
        ).fetchone()
        return CheckRecord(url, scan_id, row[0], row[1], row[2]) if row else None

    def save_check(self, record: CheckRecord) -> None:
        if record.scan_id != self._current_scan:
            # The file is kept across scans and only the current scan's checks are read
            # (a resume); older scans' answers would only pile up, day after day.
            self._db.execute("DELETE FROM link_check WHERE scan_id != ?", (record.scan_id,))
            self._current_scan = record.scan_id
        self._db.execute(
            "INSERT OR REPLACE INTO link_check VALUES (?, ?, ?, ?, ?)",
            (record.scan_id, record.url, record.outcome, record.reason, record.status),
        )

    def close(self) -> None:
        self._db.close()
