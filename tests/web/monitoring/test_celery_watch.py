"""The watch on Celery with real processes: `govwatch scheduler` fires the schedules kept in
PostgreSQL and sends their jobs through Redis to `govwatch worker` processes, which probe and
crawl the demo farm served on 127.0.0.1.

Only in the service-backed run (CELERY_BROKER_URL set); the SQLite run skips this module.
The processes are started as the product starts them (`.venv/bin/govwatch ...`), pointed at
the test database, and always stopped when a test ends."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

if not django_settings.CELERY_BROKER_URL:
    if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
        pytest.fail("GOVWATCH_REQUIRE_SERVICES=1 but CELERY_BROKER_URL is empty", pytrace=False)
    pytest.skip("needs CELERY_BROKER_URL (the service-backed run)", allow_module_level=True)

import redis  # the broker's client, for emptying its database

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.types import FetchConfig
from govwatch.web.config.celery import app
from govwatch.web.monitoring.jobs import Job
from govwatch.web.monitoring.models import Lease, Schedule
from govwatch.web.monitoring.tasks import jobs_send
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import Probe, ScanRun

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
GOVWATCH = Path(sys.executable).parent / "govwatch"
DEADLINE = 90.0  # seconds any one wait may take before the test fails
SLOW_SITE = "dm1"  # ~100 pages: with a delay on every answer its crawl takes seconds
SLOW_DELAY = 0.2
# One crawl's limit of requests in flight to one host (the settings-built fetch config
# leaves the default): two crawls of the same site at once would have twice as many.
PER_HOST = FetchConfig().per_host_concurrency


# --- processes ------------------------------------------------------------------------


def _database_url() -> str:
    """The test database (pytest-django's, e.g. test_test) as a DATABASE_URL."""
    db = django_settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgresql"), db["ENGINE"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def _environment(data_dir: Path, server: FarmServer) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(),
        CELERY_BROKER_URL=django_settings.CELERY_BROKER_URL,
        GOVWATCH_DATA_DIR=str(data_dir),
        GOVWATCH_RESOLVE=",".join(f"{host}={target}" for host, target in server.host_map()),
        GOVWATCH_ALLOW_HOSTS="127.0.0.0/8",
        GOVWATCH_BUSY_RETRY_SECONDS="2",
        GOVWATCH_LEASE_SECONDS="10",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


class Processes:
    """`govwatch` processes of one test, each in its own process group with its own log."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(GOVWATCH), *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its pool children share its process group
            )
        self.started.append((process, log))
        return process

    def log(self, process: subprocess.Popen[bytes]) -> str:
        [path] = [log for started, log in self.started if started is process]
        return path.read_text(encoding="utf-8", errors="replace")

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name} (exit {p.poll()}) ---\n{log.read_text(errors='replace')[-4000:]}"
            for p, log in self.started
        )

    def stop(self) -> None:
        """SIGTERM (a worker finishes its task, the scheduler its tick), then SIGKILL to the
        process group, so no pool child outlives the test."""
        for process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.started:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def _processes(folder: Path, server: FarmServer) -> Iterator[Processes]:
    started = Processes(folder, _environment(folder / "data", server))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(autouse=True)
def _empty_broker() -> Iterator[None]:
    """Each test starts on an empty Redis database: no message or result of another test."""
    client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    client.flushdb()
    app.conf.task_always_eager = False
    yield
    client.flushdb()
    client.close()


def _wait(condition: Callable[[], Any], what: str, processes: Processes) -> Any:
    """Poll CONDITION until it returns something true; fail with the process logs after
    DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}\n{processes.logs()}")


def _children(pid: int) -> set[int]:
    """The child processes of PID (Linux /proc; psutil is not installed)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(FileNotFoundError):
            found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm)": state, ppid


def _holder_pid(holder: str) -> int:
    """A lease holder is "host:pid:token"."""
    return int(holder.split(":")[1])


def _worker_ready(processes: Processes, worker: subprocess.Popen[bytes]) -> bool:
    assert worker.poll() is None, processes.logs()
    return " ready." in processes.log(worker)


def _state_pages(data_dir: Path, code: str, scan_id: str) -> int:
    """Pages of SCAN_ID already in the site's crawl-state file: each is counted in
    pages_resumed by a resumed run (attachments, "page": false, are replayed uncounted)."""
    path = data_dir / "crawl-state" / f"{code}.sqlite3"
    if not path.exists():
        return 0
    db = sqlite3.connect(str(path), timeout=5)
    try:
        rows = db.execute("SELECT data FROM page").fetchall()
    except sqlite3.OperationalError:  # created, the table not yet
        return 0
    finally:
        db.close()
    mine = f'"scan":"{scan_id}"'
    return sum(mine in data and '"page":true' in data for (data,) in rows)


def _slow_site(farm: Farm) -> tuple[Site, str]:
    """The farm's big site, every answer delayed: its crawl takes several seconds."""
    spec = next(s for s in farm.sites if s["code"] == SLOW_SITE)
    host = spec["home_url"].split("/")[2]
    farm.hosts[host].delay = SLOW_DELAY
    return Site.objects.get(site_code=site_code(SLOW_SITE)), host


# --- the tests ------------------------------------------------------------------------


def test_scheduler_fires_probe_and_crawl_tasks(farm: Farm, tmp_path: Path) -> None:
    """`govwatch scheduler` creates the default schedules, fires them and sends their jobs
    to Redis; a `govwatch worker` runs them: one probe round stores a slotted probe for
    every running site, and a crawl schedule becomes crawl tasks that store full scans."""
    codes = {site_code(s["code"]) for s in farm.sites}
    Site.objects.exclude(site_code__in=codes).update(status="closed")
    running = set(Site.objects.filter(status="running").values_list("site_code", flat=True))
    assert running == codes
    today = dt.datetime.now(BEIJING).date().isoformat()
    with FarmServer(farm) as server, _processes(tmp_path, server) as processes:
        processes.start("scheduler", "scheduler", "--tick", "1")
        processes.start("worker", "worker", "--concurrency", "1")

        def probed() -> bool:
            rows = Probe.objects.filter(slot__isnull=False, site__site_code__in=codes)
            return set(rows.values_list("site__site_code", flat=True)) == codes

        _wait(probed, "a probe round over every running site", processes)
        probe_done = Schedule.objects.filter(kind="probe", site=None, last_state="ok")
        _wait(probe_done.exists, "the probe round's outcome written back", processes)
        crawled = ScanRun.objects.filter(kind="full", site__site_code__in=codes)
        _wait(crawled.exists, "a full crawl stored by the worker", processes)

    # One round, one probe per site in it (the round's slot is the firing time).
    slotted = Probe.objects.filter(slot__isnull=False)
    assert slotted.count() == len(codes)
    assert len(set(slotted.values_list("slot", flat=True))) == 1
    for run in crawled:
        assert run.scan_id == f"{run.site.site_code}:{today}"
    defaults = Schedule.objects.filter(site=None, account=None)
    for kind in ("probe", "crawl"):
        schedule = defaults.get(kind=kind)
        assert schedule.last_started_at is not None
        assert schedule.next_run_at > schedule.last_started_at  # fired once, next one later
    # A probe round is its schedule's whole firing: the worker writes its outcome back; a
    # crawl schedule's firing is one task per site and stays 已派发.
    probe = defaults.get(kind="probe")
    assert (probe.last_state, probe.last_message[:8]) == ("ok", f"探测 {len(codes)} 个首页"), (
        probe.last_message
    )
    assert defaults.get(kind="crawl").last_state == "sent"
    # A crawl schedule is one task per running site.
    assert str(len(codes)) in defaults.get(kind="crawl").last_message


def test_worker_killed_mid_crawl_is_redelivered_without_duplicates(
    farm: Farm, tmp_path: Path
) -> None:
    """SIGKILL of the worker's pool child in the middle of a crawl: the task (acks_late,
    reject_on_worker_lost) is delivered again, the new pool child takes over the dead
    child's site lease, resumes from the crawl-state file, and stores the one scan once.

    What is asserted reliably: the kill happens only after pages of this scan are in the
    crawl-state file, so the redelivered run must count them as resumed (pages_resumed > 0)
    and fetch the rest (pages_fetched > 0): it is the same scan finished after the kill,
    not a scan run from scratch and not a scan that had finished before the kill."""
    site, host = _slow_site(farm)
    day = farm.scan_date.isoformat()
    code = site.site_code
    scan_id = f"{code}:{day}"
    lease_key = f"site:{code}"
    data_dir = tmp_path / "data"
    with FarmServer(farm) as server, _processes(tmp_path, server) as processes:
        jobs_send([Job("site_scan", {"site_code": code, "day": day, "kind": "full"})])
        worker = processes.start("worker", "worker", "--concurrency", "1")

        def crawling() -> int:
            """The lease holder's pid once the crawl has stored pages of this scan."""
            lease = Lease.objects.filter(key=lease_key).first()
            if lease is None or not any(r.host == host for r in server.requests):
                return 0
            return _holder_pid(lease.holder) if _state_pages(data_dir, code, scan_id) >= 10 else 0

        victim = _wait(crawling, "a crawl holding the lease with pages stored", processes)
        assert victim in _children(worker.pid), "the lease holder is the worker's pool child"
        assert _parent(victim) == worker.pid
        saved_before_kill = _state_pages(data_dir, code, scan_id)
        assert not ScanRun.objects.filter(site=site).exists(), "killed before the crawl ended"
        os.kill(victim, signal.SIGKILL)

        holders: set[str] = set()

        def stored() -> bool:
            holders.update(Lease.objects.filter(key=lease_key).values_list("holder", flat=True))
            return bool(ScanRun.objects.filter(site=site, scan_id=scan_id).exists())

        _wait(stored, "the redelivered crawl's scan", processes)
        _wait(lambda: not Lease.objects.filter(key=lease_key).exists(), "lease release", processes)
        assert worker.poll() is None, "the worker itself survived its child's death"
        log = processes.log(worker)

    assert "WorkerLostError" in log or "SIGKILL" in log, log[-3000:]
    takers = {_holder_pid(h) for h in holders} - {victim}
    assert takers, f"a new pool child took the lease after the kill: {holders}"
    [run] = ScanRun.objects.filter(site=site, scan_id=scan_id)
    assert ScanRun.objects.filter(site=site).count() == 1
    names = list(run.columns.values_list("name", flat=True))
    assert len(names) == len(set(names)), f"duplicate column snapshots: {sorted(names)}"
    truth = farm.truth["sites"][SLOW_SITE]["columns"]
    assert sorted(names) == sorted(column["name"] for column in truth.values())
    assert run.stats["pages_resumed"] >= saved_before_kill > 0
    assert run.stats["pages_fetched"] > 0


def test_two_workers_never_crawl_the_same_site_at_once(farm: Farm, tmp_path: Path) -> None:
    """Two worker processes get a full crawl and a freshness pass of the same slow site at
    the same moment. The site's lease lets one crawl at a time: the other job finds the
    site busy (Busy, retried after GOVWATCH_BUSY_RETRY_SECONDS) and crawls after the first
    released it. Evidence that fails without the lease: (1) the farm never had more
    requests to the site in flight than one crawl's per-host limit (two overlapping crawls
    reach twice that), (2) the two stored scans' [started_at, finished_at] do not overlap,
    (3) a worker did report the site busy, so the two jobs really did meet."""
    site, host = _slow_site(farm)
    day = farm.scan_date.isoformat()
    lease_key = f"site:{site.site_code}"
    jobs = [
        Job("site_scan", {"site_code": site.site_code, "day": day, "kind": kind})
        for kind in ("full", "freshness")
    ]
    with FarmServer(farm) as server, _processes(tmp_path, server) as processes:
        workers = [processes.start(f"worker{n}", "worker", "--concurrency", "1") for n in (1, 2)]
        for worker in workers:
            _wait(partial(_worker_ready, processes, worker), "worker start", processes)
        jobs_send(jobs)

        holders: list[str] = []  # the lease's holders in the order seen, every 50 ms

        def both_done() -> bool:
            for holder in Lease.objects.filter(key=lease_key).values_list("holder", flat=True):
                if not holders or holders[-1] != holder:
                    holders.append(holder)
            return ScanRun.objects.filter(site=site).count() == 2 and not (
                Lease.objects.filter(key=lease_key).exists()
            )

        _wait(both_done, "both crawls stored and the lease released", processes)
        logs = [processes.log(worker) for worker in workers]
        max_in_flight = server.max_in_flight.get(host, 0)

    first, second = ScanRun.objects.filter(site=site).order_by("started_at")
    assert {first.kind, second.kind} == {"full", "freshness"}
    assert first.stats["requests"] > 0 and second.stats["requests"] > 0, "both crawls fetched"
    assert 0 < max_in_flight <= PER_HOST, f"{max_in_flight} requests in flight at once"
    assert first.finished_at <= second.started_at, "the second crawl started before the first"
    assert any("Busy" in log for log in logs), "the two jobs never met at the lease"
    assert len(holders) == len(set(holders)) == 2, holders  # A then B, never A again
