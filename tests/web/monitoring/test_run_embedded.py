"""`govwatch run` on the embedded default (SQLite, no Redis): the web app, the scheduler
and the worker processes together. The first probe round comes within a minute; worker
processes killed with SIGKILL mid-crawl have their crawls run again, resuming from the
crawl state, with no duplicate rows; SIGTERM stops everything cleanly.

Runs the real command in a subprocess against the demo farm on loopback and reads the
SQLite file it writes. The service-backed run tests the same on Celery
(test_celery_watch.py), so this one belongs to the SQLite suite only.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from demo.farm import FarmServer, build_farm
from demo.farm_registry import site_code, write_farm_registry

if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
    pytest.skip("the embedded run is tested in the SQLite suite", allow_module_level=True)

SLOW = "www.dm1.gov.cn"


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _wait(what: str, check: Callable[[], Any], seconds: float = 90.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
        except sqlite3.Error:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db, timeout=30) as con:
        return con.execute(sql).fetchall()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_probes_crawls_survives_killed_workers_and_stops_cleanly(tmp_path: Path) -> None:
    farm = build_farm(7)
    farm.hosts[SLOW].delay = 0.3  # a crawl of several seconds, long enough to be killed
    codes = sorted(site_code(s["code"]) for s in farm.sites)
    with FarmServer(farm) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
        env.update(
            GOVWATCH_DATA_DIR=str(tmp_path / "var"),
            DATABASE_URL="",
            CELERY_BROKER_URL="",
            GOVWATCH_ALLOW_HOSTS="127.0.0.0/8",
            GOVWATCH_RESOLVE=",".join(f"{h}={t}" for h, t in server.host_map()),
            GOVWATCH_BUSY_RETRY_SECONDS="1",
        )
        command = [sys.executable, "-m", "govwatch"]
        for path in write_farm_registry(farm.sites, tmp_path / "registry"):
            subprocess.run([*command, "registry", "import", str(path)], env=env, check=True)
        # An office's edit before the start: no daily freshness pass, so the only crawls are
        # the full ones and the killed one is known to resume from its crawl state.
        setup = (
            "from govwatch.cli.base import database_ready; database_ready()\n"
            "from govwatch.web.calendars.services import work_calendar_load\n"
            "from govwatch.web.monitoring.models import Schedule\n"
            "from govwatch.web.monitoring.services import schedules_ensure\n"
            "schedules_ensure(work_calendar_load())\n"
            "Schedule.objects.filter(kind='freshness').update(enabled=False)\n"
        )
        subprocess.run([sys.executable, "-c", setup], env=env, check=True)
        port = _free_port()
        log = tmp_path / "run.log"
        with log.open("w") as out:
            run = subprocess.Popen(
                [*command, "run", "--port", str(port), "--workers", "2"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        db = tmp_path / "var" / "govwatch.sqlite3"
        try:
            # The first probe round: every farm site's home page, within a minute.
            _wait(
                "the first probe round",
                lambda: _query(db, "select count(distinct site_id) from scans_probe "
                                   "where slot is not null")[0][0] == len(codes),
                60,
            )  # fmt: skip
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as page:
                assert page.status == 200 and "govwatch" in page.read().decode()
            # Kill the worker processes while the slow site is being crawled.
            lease = f"site:{site_code('dm1')}"
            _wait(
                "the slow crawl",
                lambda: _query(db, f"select 1 from monitoring_lease where key='{lease}'"),
            )
            time.sleep(1.0)
            jobs = [job for child in _children(run.pid) for job in _children(child)]
            assert jobs, "no worker process was running a job"
            for pid in jobs:
                os.kill(pid, signal.SIGKILL)
            # The run goes on: every site gets its full crawl.
            _wait(
                "every site's crawl",
                lambda: len(_query(db, "select distinct site_id from scans_scanrun")) == len(codes),
                120,
            )  # fmt: skip
            _wait(
                "the crawls to settle", lambda: not _query(db, "select 1 from monitoring_lease"), 60
            )
        finally:
            run.send_signal(signal.SIGTERM)
            code = run.wait(90)
    text = log.read_text()
    assert code == 0, text
    assert "[重做] site_scan" in text and "异常退出（退出码 -9）" in text, text
    assert text.rstrip().endswith("govwatch 已停止"), text
    # No duplicates: one run per (site, scan id), each column once per run.
    runs = _query(db, "select site_id, scan_id, count(*) from scans_scanrun group by 1, 2")
    assert len(runs) == len(codes) and all(n == 1 for *_, n in runs)
    # The killed crawl of the slow site resumed: pages done before the kill were not fetched again.
    [(resumed,)] = _query(
        db,
        "select json_extract(stats, '$.pages_resumed') from scans_scanrun r "
        f"join registry_site s on s.id = r.site_id where s.site_code = '{site_code('dm1')}'",
    )
    assert resumed > 0
    doubled = _query(
        db,
        "select run_id from scans_columnsnapshot group by run_id having count(*) != count(distinct url)",
    )
    assert not doubled
    states = dict(
        _query(db, "select kind, last_state from monitoring_schedule where site_id is null")
    )
    # Every default job ran once at the start (warnings too: from whatever was stored then).
    for kind in ("probe", "crawl", "feeds", "warnings", "rollup"):
        assert states[kind] == "ok", (kind, states)
