"""Multi-process and multi-site scans give the same answers as one site at a time;
availability probes are values whose failure ratio can be taken."""

from __future__ import annotations

import asyncio
from pathlib import Path

from demo.farm import FarmServer, build_farm
from demo.farm.sites import PROBE_TIMEOUT
from govwatch.engine.crawl import (
    ScanConfig,
    SiteSpec,
    probe_availability,
    probe_failure_ratio,
    scan_site,
    scan_sites_async,
    scan_sites_parallel,
)
from govwatch.engine.crawl.parallel import largest_first


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
        parallel = scan_sites_parallel(specs, config, processes=2, state_dir=tmp_path)
        together = asyncio.run(scan_sites_async(specs, config))
    assert [r.site_code for r in parallel] == ["dm1", "dm2", "dm3"]
    assert [_summary(r) for r in parallel] == [_summary(r) for r in sequential]
    assert [_summary(r) for r in together] == [_summary(r) for r in sequential]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite3") == [
        "dm1.sqlite3",
        "dm2.sqlite3",
        "dm3.sqlite3",
    ]


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
