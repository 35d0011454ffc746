"""A killed scan resumes without refetching; an unchanged re-scan is conditional and
parses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from demo.farm import FarmPage, FarmServer, build_farm
from govwatch.engine.crawl import (
    MemoryStateStore,
    PageRecord,
    ScanConfig,
    SqliteStateStore,
    scan_site,
)

ROOT = Path(__file__).resolve().parents[3]
HOST = "www.dm1.gov.cn"

_CHILD = """
import json, sys
from govwatch.engine.crawl import ColumnSpec, ScanConfig, SiteSpec, SqliteStateStore, scan_site
from govwatch.engine.fetch import FetchConfig
from datetime import date
args = json.loads(sys.argv[1])
site = SiteSpec(args["code"], args["name"], args["home_url"],
                columns=tuple(ColumnSpec(*c) for c in args["columns"]))
fetch = FetchConfig(host_map=tuple(tuple(x) for x in args["host_map"]),
                    allow_hosts=("127.0.0.0/8",), per_host_concurrency=2)
config = ScanConfig(fetch=fetch, scan_date=date(2024, 7, 1), scan_id="run-1", probe_count=0)
scan_site(site, config, SqliteStateStore(args["db"]))
"""


def _config(server: FarmServer, scan_id: str) -> ScanConfig:
    farm = server.farm
    return ScanConfig(
        fetch=server.fetch_config(), scan_date=farm.scan_date, scan_id=scan_id, probe_count=0
    )


def _path(url: str) -> str:
    rest = url.split("://", 1)[1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def test_killed_scan_resumes_without_refetching(tmp_path: Path) -> None:
    farm = build_farm(seed=7)
    farm.hosts[HOST].delay = 0.02  # long enough to kill the child in the middle
    db = tmp_path / "state.sqlite3"
    with FarmServer(farm) as server:
        spec = server.site_specs()[0]
        args = dict(farm.sites[0], host_map=server.host_map(), db=str(db))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        child = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(args)], env=env)
        deadline = time.monotonic() + 60
        while sum(r.host == HOST for r in server.requests) < 40:
            assert child.poll() is None, "the scan finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        store = SqliteStateStore(db)
        finished = [row[0] for row in store._db.execute("SELECT url FROM page").fetchall()]
        checks = store._db.execute("SELECT url FROM link_check").fetchall()
        assert 10 <= len(finished) < 90
        server.clear_log()
        farm.hosts[HOST].delay = 0.0
        resumed = scan_site(spec, _config(server, "run-1"), store)
        store.close()
        fetched_again = {r.path for r in server.requests if r.host == HOST}
        assert not fetched_again & {_path(u) for u in finished}
        assert not {r.path for r in server.requests} & {_path(u) for (u,) in checks}
        assert resumed.stats.pages_resumed == len(finished)
        planted = {
            (b["page_url"], b["url"], b["outcome"]) for b in farm.truth["sites"]["dm1"]["bad_links"]
        }
        assert {(b.page_url, b.url, b.outcome.value) for b in resumed.broken_links} == planted
        assert {f.url for f in resumed.failures} == {
            "http://www.dm1.gov.cn/xwzx/old_notice.html",
            "http://www.dm1.gov.cn/error500.html",
        }
        truth_columns = farm.truth["sites"]["dm1"]["columns"]
        assert {c.url: c.item_count for c in resumed.columns} == {
            u: c["item_count"] for u, c in truth_columns.items()
        }


def test_unchanged_rescan_is_conditional_and_parses_nothing() -> None:
    farm = build_farm(seed=7)
    with FarmServer(farm) as server:
        spec = server.site_specs()[0]
        store = MemoryStateStore()
        first = scan_site(spec, _config(server, "a"), store)
        assert first.stats.pages_parsed > 50
        pages = {_path(url) for url, rec in store.pages.items() if rec.is_page and rec.digest}
        server.clear_log()
        second = scan_site(spec, _config(server, "b"), store)
        page_requests = [r for r in server.requests if r.host == HOST and r.path in pages]
        assert page_requests and all(r.conditional for r in page_requests)
        assert second.stats.pages_parsed == 0
        assert second.stats.pages_not_modified == first.stats.pages_parsed
        assert second.broken_links == first.broken_links
        assert second.columns == first.columns
        # One changed page: fetched in full and parsed, alone.
        article = farm.truth["sites"]["dm1"]["bad_links"][-1]["page_url"]
        old = farm.hosts[HOST].pages[_path(article)]
        farm.hosts[HOST].pages[_path(article)] = FarmPage(
            old.body.replace(b"</body>", "<p>更正</p></body>".encode()), old.content_type
        )
        third = scan_site(spec, _config(server, "c"), store)
        assert third.stats.pages_parsed == 1


def test_same_content_without_validators_is_not_parsed() -> None:
    farm = build_farm(seed=7)
    with FarmServer(farm) as server:
        spec = server.site_specs()[0]
        store = MemoryStateStore()
        scan_site(spec, _config(server, "a"), store)
        # Forget the validators: the server answers 200 again, the hash says "unchanged".
        for url, rec in list(store.pages.items()):
            store.pages[url] = _without_validators(rec)
        again = scan_site(spec, _config(server, "b"), store)
        assert again.stats.pages_parsed == 0
        assert again.stats.pages_unchanged > 50


def _without_validators(rec: PageRecord) -> PageRecord:
    from dataclasses import replace

    return replace(rec, etag="", last_modified="")


def test_sqlite_store_keeps_only_the_current_scans_link_checks(tmp_path: Path) -> None:
    """One state file per site is kept across scans: a new scan id drops the older
    scans' link checks (never read again) and keeps the pages (conditional requests)."""
    from govwatch.engine.crawl.state import CheckRecord

    store = SqliteStateStore(tmp_path / "s1.sqlite3")
    store.save_page(PageRecord("http://a/", "s1:2024-07-01", 200, ""))
    store.save_check(CheckRecord("http://a/x", "s1:2024-07-01", "ok", "", 200))
    store.close()
    store = SqliteStateStore(tmp_path / "s1.sqlite3")  # resume: same scan id, nothing dropped
    assert store.load_check("s1:2024-07-01", "http://a/x") is not None
    store.save_check(CheckRecord("http://a/y", "s1:2024-07-01", "ok", "", 200))
    store.save_check(CheckRecord("http://a/x", "s1:2024-07-02", "broken", "404", 404))
    assert store.load_check("s1:2024-07-01", "http://a/x") is None
    assert store.load_check("s1:2024-07-02", "http://a/x") is not None
    assert store.load_page("http://a/") is not None
    store.close()
