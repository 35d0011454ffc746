"""Crawl state: what a scan already has, so a killed scan resumes and a re-scan is cheap.

A page record keeps the validators (ETag, Last-Modified), the content hash and the page's
digest; a check record keeps one link-check answer. Records carry the scan id that wrote
them: the same id means "this run already finished it" (resume: no request at all), an
older id means "known from before" (re-scan: conditional request, no parse if unchanged).
Every record is written as soon as it is finished, so a kill loses at most the pages that
were in flight. The file is kept across scans, so it is bounded: older scans' link checks
are dropped, and so are page records no scan has written for PAGE_KEEP_DAYS (pages gone
from the site). A file that cannot be trusted raises CorruptStateError; `set_aside` moves
it out of the way (the scheduler then scans the site afresh).
"""

from __future__ import annotations

import glob
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from govwatch.engine.clock import BEIJING
from govwatch.engine.crawl.textscan import hits_from_json
from govwatch.engine.fetch.outcomes import LinkOutcome
from govwatch.engine.parse.page import PageDigest


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


class CorruptStateError(Exception):
    """The state file cannot be trusted: not a database, damaged, a foreign schema, or a
    record that does not read back. The caller sets the file aside and scans afresh."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# A page record not written for this long is dropped when the file is opened: every scan
# that reaches a page writes its record again, so only pages gone from the site (or out of
# the crawl's reach) age out. Weekly full crawls: five of them missed the page.
PAGE_KEEP_DAYS = 35.0
# Set-aside corrupt files kept per site (the newest), for whoever wants to look at them.
CORRUPT_KEEP = 3

_PAGE_COLUMNS = (("url", 1), ("data", 0), ("seen", 0))
_OLD_PAGE_COLUMNS = (("url", 1), ("data", 0))  # before `seen`: migrated in place
_CHECK_COLUMNS = (("scan_id", 1), ("url", 2), ("outcome", 0), ("reason", 0), ("status", 0))
_SIDECARS = ("-wal", "-journal")  # moved with the file (a stale WAL must never meet a new file)
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_OUTCOMES = frozenset(outcome.value for outcome in LinkOutcome)


def _corruption(exc: sqlite3.Error) -> str | None:
    """The reason when EXC says the file is damaged or not ours; None for everything else
    (a locked or unreadable file, a full disk: the file itself may be fine)."""
    code = getattr(exc, "sqlite_errorcode", None)
    message = str(exc)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return message
    if message.startswith(("no such table", "no such column", "table page has")):
        return message  # a foreign schema met mid-scan
    return None


def _check_page(record: PageRecord) -> None:
    """Raise (ValueError, TypeError, KeyError) unless RECORD reads back as the crawler
    will read it; a record that does not is corruption, not a page to fail on every scan."""
    texts = (record.url, record.scan_id, record.error, record.etag, record.last_modified)
    if not all(isinstance(text, str) for text in (*texts, record.content_hash)):
        raise TypeError("a text field is not a string")
    if record.status is not None and not isinstance(record.status, int):
        raise TypeError("status is not an integer")
    if record.outcome not in _OUTCOMES:
        raise ValueError(f"unknown outcome {record.outcome!r}")
    digest = record.digest
    if digest is None:
        return
    if not isinstance(digest, dict):
        raise TypeError("digest is not an object")
    if "attachment" in digest:
        hits_from_json(record.url, "", digest.get("hits") or ())
    else:
        PageDigest.from_json(digest)


class SqliteStateStore:
    """sqlite3 file store. Autocommit with synchronous=OFF: each record reaches the OS as it
    is written (survives a killed process; a power cut may lose the last moments, which only
    costs refetches).

    Opening checks the file (integrity, schema) and drops page records older than
    KEEP_DAYS; a damaged file raises CorruptStateError, at the open or at the first record
    that shows it, and the store then refuses every further call (`corrupt` says why), so
    the crawl drains at once and the caller can set the file aside and scan again."""

    def __init__(self, path: str | Path, *, keep_days: float = PAGE_KEEP_DAYS) -> None:
        self.path = Path(path)
        self.corrupt = ""
        self._current_scan = ""
        self._db = sqlite3.connect(str(path), isolation_level=None)
        try:
            self._prepare(keep_days)
        except CorruptStateError:
            self._db.close()
            raise
        except sqlite3.Error as exc:
            self._db.close()
            reason = _corruption(exc)
            if reason is None:
                raise
            raise CorruptStateError(reason) from exc

    def _prepare(self, keep_days: float) -> None:
        db = self._db
        # Read-only checks first: a file that is not ours is set aside as it was found.
        problems = [str(row[0]) for row in db.execute("PRAGMA quick_check(3)").fetchall()]
        if problems != ["ok"]:
            raise CorruptStateError("integrity check: " + "; ".join(problems))
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        columns = {
            name: tuple(db.execute("SELECT name, pk FROM pragma_table_info(?)", (name,)))
            for name in tables
        }
        foreign = [name for name in tables if name not in ("page", "link_check")]
        if foreign:
            raise CorruptStateError(f"not a crawl-state file (table {foreign[0]!r})")
        page = columns.get("page")
        if page not in (None, _PAGE_COLUMNS, _OLD_PAGE_COLUMNS):
            raise CorruptStateError(f"wrong schema: page {page}")
        check = columns.get("link_check")
        if check not in (None, _CHECK_COLUMNS):
            raise CorruptStateError(f"wrong schema: link_check {check}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        if page == _OLD_PAGE_COLUMNS:  # a file from before `seen`: its records count as new
            db.execute("ALTER TABLE page ADD COLUMN seen REAL")
            db.execute("UPDATE page SET seen = ?", (time.time(),))
        db.execute("CREATE TABLE IF NOT EXISTS page (url TEXT PRIMARY KEY, data TEXT, seen REAL)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS link_check (scan_id TEXT, url TEXT, outcome TEXT,"
            " reason TEXT, status INTEGER, PRIMARY KEY (scan_id, url))"
        )
        db.execute("DELETE FROM page WHERE seen < ?", (time.time() - keep_days * 86400,))

    def _broken(self, reason: str) -> CorruptStateError:
        self.corrupt = self.corrupt or reason
        return CorruptStateError(self.corrupt)

    def _sql(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        if self.corrupt:
            raise CorruptStateError(self.corrupt)
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            reason = _corruption(exc)
            if reason is None:
                raise
            raise self._broken(reason) from exc

    def load_page(self, url: str) -> PageRecord | None:
        row = self._sql("SELECT data FROM page WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        try:
            record = PageRecord.from_json(json.loads(row[0]))
            _check_page(record)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise self._broken(f"record of {url} does not read back: {exc}"[:300]) from exc
        return record

    def save_page(self, record: PageRecord) -> None:
        data = json.dumps(record.to_json(), ensure_ascii=False, separators=(",", ":"))
        self._sql("INSERT OR REPLACE INTO page VALUES (?, ?, ?)", (record.url, data, time.time()))

    def load_check(self, scan_id: str, url: str) -> CheckRecord | None:
        row = self._sql(
            "SELECT outcome, reason, status FROM link_check WHERE scan_id = ? AND url = ?",
            (scan_id, url),
        ).fetchone()
        if row is None:
            return None
        outcome, reason, status = row
        if outcome not in _OUTCOMES or not isinstance(reason, str):
            raise self._broken(f"link check of {url} does not read back: {row!r}"[:300])
        return CheckRecord(url, scan_id, outcome, reason, status)

    def save_check(self, record: CheckRecord) -> None:
        if record.scan_id != self._current_scan:
            # The file is kept across scans and only the current scan's checks are read
            # (a resume); older scans' answers would only pile up, day after day.
            self._sql("DELETE FROM link_check WHERE scan_id != ?", (record.scan_id,))
            self._current_scan = record.scan_id
        self._sql(
            "INSERT OR REPLACE INTO link_check VALUES (?, ?, ?, ?, ?)",
            (record.scan_id, record.url, record.outcome, record.reason, record.status),
        )

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            if not self.corrupt:
                raise


def set_aside(path: str | Path, keep: int = CORRUPT_KEEP) -> Path:
    """Rename a corrupt state file to `<name>.corrupt-<timestamp>` (with its WAL; its shared
    memory index is rebuilt from the WAL, so it goes), so the next open starts a fresh file;
    keep the newest KEEP set-aside files of this name and delete the older ones."""
    path = Path(path)
    stamp = datetime.now(BEIJING).strftime("%Y%m%dT%H%M%S.%f")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    bump = 0
    while aside.exists():
        bump += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{bump}")
    if path.exists():
        os.replace(path, aside)
    for suffix in _SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            os.replace(sidecar, aside.with_name(aside.name + suffix))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    kept = sorted(
        p
        for p in path.parent.glob(glob.escape(path.name) + ".corrupt-*")
        if not p.name.endswith(_SIDECARS)
    )
    for old in kept[: max(0, len(kept) - keep)]:
        for name in (old.name, *(old.name + suffix for suffix in _SIDECARS)):
            old.with_name(name).unlink(missing_ok=True)
    return aside
