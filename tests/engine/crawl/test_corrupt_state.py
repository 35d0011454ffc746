"""A corrupt crawl-state file (garbage, truncated, a foreign schema, a record that does not
read back, damage found mid-scan) is set aside, recorded in the result, and the site is
scanned afresh in the same call; a site whose scan breaks never costs the other sites of
the run. Page records of pages gone from the site age out of the state file."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.farm import FarmServer, build_farm
from govwatch.engine.crawl import (
    PageRecord,
    ScanConfig,
    SiteScanResult,
    SiteSpec,
    parallel,
    scan_sites,
)
from govwatch.engine.crawl.scan import scan_site_async
from govwatch.engine.crawl.state import CheckRecord, CorruptStateError, SqliteStateStore, set_aside

HOME = "http://www.dm1.gov.cn/"


@pytest.fixture(scope="module")
def server() -> Iterator[FarmServer]:
    with FarmServer(build_farm(seed=7)) as running:
        yield running


def _spec(server: FarmServer, code: str = "dm1") -> SiteSpec:
    return next(s for s in server.site_specs() if s.code == code)


def _config(server: FarmServer, scan_id: str) -> ScanConfig:
    return ScanConfig(
        fetch=server.fetch_config(),
        scan_date=server.farm.scan_date,
        scan_id=scan_id,
        probe_count=0,
    )


def _scan(server: FarmServer, state_dir: Path, scan_id: str = "run") -> SiteScanResult:
    [(_, result)] = scan_sites([_spec(server)], _config(server, scan_id), state_dir=state_dir)
    return result


def _summary(result: SiteScanResult) -> Any:
    return (
        sorted((b.page_url, b.url, b.outcome) for b in result.broken_links),
        [(c.url, c.item_count, c.newest_date) for c in result.columns],
        sorted(f.url for f in result.failures),
        result.facts,
    )


def _set_aside(state_dir: Path) -> list[Path]:
    return sorted(state_dir.glob("dm1.sqlite3.corrupt-*"))


def _valid_state(server: FarmServer, path: Path) -> None:
    """A real state file from an earlier scan (checkpointed: no WAL left beside it)."""
    result = _scan(server, path.parent, "before")
    assert result.stats.state_reset == "" and result.stats.pages_fetched > 50


def _garbage(server: FarmServer, path: Path) -> None:
    path.write_bytes(b"\x00garbage, not a database\xff" * 200)


def _truncated(server: FarmServer, path: Path) -> None:
    _valid_state(server, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _wrong_schema(server: FarmServer, path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE page (id INTEGER PRIMARY KEY, body BLOB)")
    db.execute("INSERT INTO page VALUES (1, x'00')")
    db.commit()
    db.close()


def _foreign_tables(server: FarmServer, path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE accounts (name TEXT, secret TEXT)")
    db.commit()
    db.close()


def _bad_record(url: str, data: str) -> Callable[[FarmServer, Path], None]:
    def corrupt(server: FarmServer, path: Path) -> None:
        _valid_state(server, path)
        db = sqlite3.connect(path)
        assert db.execute("UPDATE page SET data = ? WHERE url = ?", (data, url)).rowcount == 1
        db.commit()
        db.close()

    return corrupt


CORRUPTIONS = {
    "garbage": (_garbage, "file is not a database"),
    "truncated": (_truncated, "malformed"),
    "wrong schema": (_wrong_schema, "wrong schema"),
    "foreign tables": (_foreign_tables, "not a crawl-state file"),
    "unparsable home record": (_bad_record(HOME, '{"url": "http://www.dm1'), "does not read"),
    "unparsable page record": (
        _bad_record("http://www.dm1.gov.cn/bmdt/art_1070.html", "\x00\x01 not json"),
        "does not read back",
    ),
    "record of the wrong shape": (
        _bad_record(HOME, json.dumps({"url": HOME, "scan": "before", "status": 200})),
        "does not read back",
    ),
}

RECORD_KINDS = {"unparsable home record", "unparsable page record", "record of the wrong shape"}


@pytest.fixture(scope="module")
def baseline(server: FarmServer) -> SiteScanResult:
    [(_, result)] = scan_sites([_spec(server)], _config(server, "baseline"))
    return result


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_state_is_set_aside_and_the_site_scanned_afresh(
    kind: str, server: FarmServer, baseline: SiteScanResult, tmp_path: Path
) -> None:
    corrupt, reason = CORRUPTIONS[kind]
    path = tmp_path / "dm1.sqlite3"
    corrupt(server, path)
    damaged = path.read_bytes()

    result = _scan(server, tmp_path)

    # Complete, and from scratch: every page fetched, nothing taken from the old file.
    assert _summary(result) == _summary(baseline)
    assert result.stats.pages_fetched == baseline.stats.pages_fetched
    assert result.stats.pages_resumed == result.stats.pages_not_modified == 0
    assert not any("internal error" in f.reason for f in result.failures)
    # Set aside, byte for byte, and the reason recorded.
    [aside] = _set_aside(tmp_path)
    if kind in RECORD_KINDS:  # found while reading: the file had been used (and kept its page)
        db = sqlite3.connect(aside)
        assert db.execute("SELECT count(*) FROM page").fetchone()[0] > 50
        db.close()
    else:  # found at the open: set aside as it was
        assert aside.read_bytes() == damaged
    assert reason in result.stats.state_reset
    assert aside.name in result.stats.state_reset
    # The fresh file works: the same scan again resumes everything, asking for nothing.
    server.clear_log()
    again = _scan(server, tmp_path)
    assert not [r for r in server.requests if r.host == "www.dm1.gov.cn"]
    assert again.stats.state_reset == ""
    assert again.stats.pages_fetched == 0
    assert again.stats.pages_resumed >= baseline.stats.pages_fetched
    assert _summary(again) == _summary(baseline)
    assert _set_aside(tmp_path) == [aside]


def test_damage_found_mid_scan_restarts_the_site(
    server: FarmServer, baseline: SiteScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file passes the checks at the open and is damaged while the crawl reads it
    ("database disk image is malformed" at some page): the scan starts again afresh."""
    path = tmp_path / "dm1.sqlite3"
    _valid_state(server, path)
    stores: list[SqliteStateStore] = []

    class DamagedMidScan(SqliteStateStore):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)
            self.loads = 0

        def load_page(self, url: str) -> PageRecord | None:
            self.loads += 1
            if len(stores) == 1 and self.loads == 20:
                with open(self.path, "r+b") as file:  # every page but the first three
                    file.seek(3 * 4096)
                    file.write(b"\xab" * (self.path.stat().st_size - 3 * 4096))
                self._db.execute("PRAGMA shrink_memory")  # read from the disk from now on
            return super().load_page(url)

    monkeypatch.setattr(parallel, "SqliteStateStore", DamagedMidScan)
    result = _scan(server, tmp_path)

    assert len(stores) == 2
    assert "malformed" in stores[0].corrupt
    assert "database disk image is malformed" in result.stats.state_reset
    assert _summary(result) == _summary(baseline)
    assert result.stats.pages_fetched == baseline.stats.pages_fetched
    assert len(_set_aside(tmp_path)) == 1


def test_a_fresh_file_that_fails_too_scans_without_state(
    server: FarmServer, baseline: SiteScanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state directory where every file proves corrupt (a failing disk) still scans."""

    class Broken(SqliteStateStore):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise CorruptStateError("file is not a database")

    monkeypatch.setattr(parallel, "SqliteStateStore", Broken)
    result = _scan(server, tmp_path)
    assert _summary(result) == _summary(baseline)
    assert result.stats.state_reset.count("set aside") == 2
    assert result.stats.state_reset.endswith("scanned without crawl state")


def test_multi_process_run_yields_every_site(server: FarmServer, tmp_path: Path) -> None:
    specs = [_spec(server, "dm2"), _spec(server, "dm3")]
    (tmp_path / "dm3.sqlite3").write_bytes(os.urandom(8192))
    config = _config(server, "run")
    results = dict(scan_sites(specs, config, processes=2, state_dir=tmp_path))
    assert sorted(results) == [0, 1]
    assert results[0].stats.state_reset == ""
    assert "file is not a database" in results[1].stats.state_reset
    assert all(
        r.home.fetched and r.columns and r.stats.pages_fetched > 50 for r in results.values()
    )
    assert len(list(tmp_path.glob("dm3.sqlite3.corrupt-*"))) == 1


def test_a_site_whose_scan_raises_yields_a_failed_result(
    server: FarmServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in one site's worker (forked: the patch is inherited) is that site's
    failed result; the other site's result comes through."""
    real = scan_site_async

    async def failing(site: SiteSpec, *args: Any) -> SiteScanResult:
        if site.code == "dm2":
            raise RuntimeError("boom")
        return await real(site, *args)

    monkeypatch.setattr(parallel, "scan_site_async", failing)
    specs = [_spec(server, "dm2"), _spec(server, "dm3")]
    for processes in (1, 2):
        results = dict(scan_sites(specs, _config(server, "run"), processes=processes))
        failed, fine = results[0], results[1]
        assert not failed.home.fetched
        assert failed.home.error == "scan failed: RuntimeError: boom"
        assert [f.reason for f in failed.failures] == [failed.home.error]
        assert failed.scan_id == "run" and failed.scan_date == server.farm.scan_date
        assert not failed.probes and not failed.columns
        assert fine.home.fetched and fine.stats.pages_fetched > 50


def test_a_dead_worker_costs_no_yielded_result(
    server: FarmServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process that dies (killed, out of memory) breaks the pool: its site and
    any still pending come back as failed results instead of an exception."""
    real = scan_site_async

    async def dying(site: SiteSpec, *args: Any) -> SiteScanResult:
        if site.code == "dm2":
            time.sleep(0.5)
            os._exit(1)
        return await real(site, *args)

    monkeypatch.setattr(parallel, "scan_site_async", dying)
    specs = [_spec(server, "dm2"), _spec(server, "dm3")]
    results = dict(scan_sites(specs, _config(server, "run"), processes=2))
    assert sorted(results) == [0, 1]
    assert results[0].home.error.startswith("scan failed: worker process failed: Broken")
    assert results[1].home.fetched or results[1].home.error.startswith("scan failed: worker")


def test_set_aside_keeps_the_newest_three(tmp_path: Path) -> None:
    path = tmp_path / "dm1.sqlite3"
    asides = []
    for number in range(5):
        path.write_bytes(f"corrupt {number}".encode())
        (tmp_path / "dm1.sqlite3-wal").write_bytes(b"wal")
        (tmp_path / "dm1.sqlite3-shm").write_bytes(b"shm")
        asides.append(set_aside(path))
        assert not path.exists()
        assert not (tmp_path / "dm1.sqlite3-wal").exists()  # never replayed on a new file
        assert not (tmp_path / "dm1.sqlite3-shm").exists()
    (tmp_path / "dm10.sqlite3.corrupt-20000101T000000.000000").write_bytes(b"other site")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [
            *(p.name for p in asides[2:]),
            *(p.name + "-wal" for p in asides[2:]),
            "dm10.sqlite3.corrupt-20000101T000000.000000",
        ]
    )
    assert [p.read_bytes() for p in asides[2:]] == [b"corrupt 2", b"corrupt 3", b"corrupt 4"]


def test_page_records_not_written_for_keep_days_are_dropped(tmp_path: Path) -> None:
    """Every scan rewrites the records of the pages it reaches; a page gone from the site
    is never written again, and its record is dropped once older than keep_days."""
    path = tmp_path / "s1.sqlite3"
    store = SqliteStateStore(path)
    store.save_page(PageRecord("http://a/kept", "s1:2024-07-01", 200, ""))
    store.save_page(PageRecord("http://a/gone", "s1:2024-07-01", 200, ""))
    store.close()
    db = sqlite3.connect(path)
    db.execute(
        "UPDATE page SET seen = ? WHERE url = ?", (time.time() - 40 * 86400, "http://a/gone")
    )
    db.commit()
    db.close()
    store = SqliteStateStore(path, keep_days=35)
    assert store.load_page("http://a/kept") is not None
    assert store.load_page("http://a/gone") is None
    store.close()


def test_state_files_of_the_earlier_layout_are_kept(tmp_path: Path) -> None:
    """A file written before page records carried their `seen` time is migrated, not
    taken for a foreign schema: its records count as seen now."""
    path = tmp_path / "s1.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE page (url TEXT PRIMARY KEY, data TEXT)")
    db.execute(
        "CREATE TABLE link_check (scan_id TEXT, url TEXT, outcome TEXT,"
        " reason TEXT, status INTEGER, PRIMARY KEY (scan_id, url))"
    )
    record = PageRecord("http://a/", "s1:2024-07-01", 200, "")
    db.execute("INSERT INTO page VALUES (?, ?)", (record.url, json.dumps(record.to_json())))
    db.execute("INSERT INTO link_check VALUES ('s1:2024-07-01', 'http://a/x', 'ok', '', 200)")
    db.commit()
    db.close()
    store = SqliteStateStore(path)
    assert store.load_page("http://a/") == record
    assert store.load_check("s1:2024-07-01", "http://a/x") == CheckRecord(
        "http://a/x", "s1:2024-07-01", "ok", "", 200
    )
    store.close()


def test_a_locked_file_is_not_taken_for_a_corrupt_one(tmp_path: Path) -> None:
    """Only damage sets a file aside: another writer holding the file is an error of its
    own (the scan fails with it), never a reason to throw the state away."""
    path = tmp_path / "s1.sqlite3"
    store = SqliteStateStore(path)
    store._db.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store.save_page(PageRecord("http://a/", "s1", 200, ""))
    assert store.corrupt == ""
    other.rollback()
    store.close()
    other.close()
