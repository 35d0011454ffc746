"""Multi-process scans give the same answers as one site at a time; the
scheduler yields each site as it finishes and its workers die with it; availability probes
are values whose failure ratio can be taken."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from demo.farm import FarmServer, build_farm
from demo.farm.sites import PROBE_TIMEOUT
from govwatch.engine.crawl import (
    ScanConfig,
    SiteSpec,
    probe_availability,
    probe_failure_ratio,
    scan_site,
    scan_sites,
)
from govwatch.engine.crawl.parallel import largest_first

ROOT = Path(__file__).resolve().parents[3]


def _summary(result):  # type: ignore[no-untyped-def]
    return (
        result.site_code,
        sorted((b.page_url, b.url, b.outcome) for b in result.broken_links),
        [(c.url, c.item_count, c.newest_date) for c in result.columns],
        result.facts,
    )


def test_parallel_processes_match_sequential(tmp_path: Path) -> None:
    farm = build_farm(seed=7)
    with FarmServer(farm) as server:
        specs = [s for s in server.site_specs() if s.code in {"dm1", "dm2", "dm3"}]
        config = ScanConfig(fetch=server.fetch_config(), scan_date=farm.scan_date, probe_count=0)
        sequential = [scan_site(spec, config) for spec in specs]
        done = dict(scan_sites(specs, config, processes=2, state_dir=tmp_path))
    parallel = [done[i] for i in range(len(specs))]
    assert [r.site_code for r in parallel] == ["dm1", "dm2", "dm3"]
    assert [_summary(r) for r in parallel] == [_summary(r) for r in sequential]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == [
        "dm1.sqlite3",
        "dm2.sqlite3",
        "dm3.sqlite3",
    ]


def test_results_come_as_sites_finish_and_stopping_does_not_wait(tmp_path: Path) -> None:
    farm = build_farm(seed=7)
    farm.hosts["www.dm1.gov.cn"].delay = 0.5  # dm1 takes far longer than dm2
    with FarmServer(farm) as server:
        specs = [s for s in server.site_specs() if s.code in {"dm1", "dm2"}]
        config = ScanConfig(fetch=server.fetch_config(), scan_date=farm.scan_date, probe_count=0)
        results = scan_sites(specs, config, state_dir=tmp_path)
        index, first = next(results)
        assert (index, first.site_code) == (1, "dm2")
        started = time.monotonic()
        results.close()  # as when storing fails: the running dm1 is stopped, not awaited
        assert time.monotonic() - started < 5


_PARENT = """
import json, sys
from govwatch.engine.crawl import ScanConfig, SiteSpec, scan_sites
from govwatch.engine.fetch import FetchConfig
args = json.loads(sys.argv[1])
fetch = FetchConfig(host_map=tuple(tuple(x) for x in args["host_map"]), allow_hosts=("127.0.0.0/8",))
sites = [SiteSpec(code, code, url) for code, url in args["sites"]]
for _ in scan_sites(sites, ScanConfig(fetch=fetch, probe_count=0), processes=2):
    pass
"""


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_workers_die_with_a_killed_parent() -> None:
    farm = build_farm(seed=7)
    for host in ("www.dm1.gov.cn", "www.dm2.gov.cn"):
        farm.hosts[host].delay = 0.5  # scans that would run far longer than the test waits
    with FarmServer(farm) as server:
        sites = [(s.code, s.home_url) for s in server.site_specs() if s.code in {"dm1", "dm2"}]
        args = json.dumps({"host_map": server.host_map(), "sites": sites})
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        parent = subprocess.Popen([sys.executable, "-c", _PARENT, args], env=env)
        deadline = time.monotonic() + 30
        while len(workers := _children(parent.pid)) < 2 or len(server.requests) < 2:
            assert parent.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        try:
            while any(_alive(w) for w in workers):
                assert time.monotonic() < deadline, "workers outlived their parent"
                time.sleep(0.05)
        finally:
            for worker in filter(_alive, workers):
                os.kill(worker, signal.SIGKILL)


def test_sites_known_to_be_largest_go_first(tmp_path: Path) -> None:
    sites = [SiteSpec(code, code, f"http://www.{code}.gov.cn/") for code in "abcd"]
    assert largest_first(sites, "") == [0, 1, 2, 3]
    (tmp_path / "b.sqlite3").write_bytes(b"x" * 100)
    (tmp_path / "d.sqlite3").write_bytes(b"x" * 10)
    (tmp_path / "d.sqlite3-wal").write_bytes(b"x" * 1000)
    assert largest_first(sites, str(tmp_path)) == [3, 1, 0, 2]


def test_probes_are_values_with_a_failure_ratio() -> None:
    farm = build_farm(seed=7)
    with FarmServer(farm) as server:
        config = server.fetch_config()
        ok = asyncio.run(probe_availability("http://www.dm1.gov.cn/", config, count=3))
        slow = asyncio.run(
            probe_availability("http://www.dm4.gov.cn/", config, timeout=PROBE_TIMEOUT, count=2)
        )
        dead = asyncio.run(probe_availability("http://www.dm5.gov.cn/", config, count=2))
    assert [p.ok for p in ok] == [True, True, True] and probe_failure_ratio(ok) == 0.0
    assert [p.reason for p in slow] == ["timeout", "timeout"]
    assert probe_failure_ratio(list(slow) + list(ok)) == 0.4
    assert [p.reason for p in dead] == ["refused", "refused"]
    assert probe_failure_ratio(()) == 0.0


def test_per_host_concurrency_is_respected() -> None:
    farm = build_farm(seed=7)
    farm.hosts["www.dm3.gov.cn"].delay = 0.01
    with FarmServer(farm) as server:
        spec = next(s for s in server.site_specs() if s.code == "dm3")
        config = ScanConfig(
            fetch=server.fetch_config(per_host_concurrency=2),
            scan_date=farm.scan_date,
            probe_count=0,
            max_pages=30,
        )
        result = scan_site(spec, config)
    assert server.max_in_flight["www.dm3.gov.cn"] <= 2
    assert result.stats.pages_fetched >= 30
