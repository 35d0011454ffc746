"""The hostile-server suite: the scan finishes, each case is recorded with its reason, and
peak memory (measured in the scanning process) stays under 300 MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.hostile.server import HostileServer

ROOT = Path(__file__).resolve().parents[3]
PEAK_LIMIT_MB = 300

_CHILD = """
import json, resource, sys
from datetime import date


def peak_mb():
    # VmHWM is this process's own high-water mark since exec. ru_maxrss is not: Linux
    # carries the parent's RSS at fork across exec, so a large test runner (the suite
    # grows as it goes) would be counted as the scanner's memory.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


from govwatch.engine.crawl import ColumnSpec, ScanConfig, SiteSpec, scan_site
from govwatch.engine.fetch import FetchConfig
base = sys.argv[1]
fetch = FetchConfig(allow_hosts=("127.0.0.0/8",), total_timeout=1.5, read_timeout=1.0,
                    retries=1, retry_backoff=0.05, per_host_concurrency=16)
config = ScanConfig(fetch=fetch, scan_date=date(2024, 7, 1), max_depth=100,
                    max_query_variants=10, probe_timeout=2.0)
site = SiteSpec("hostile", "hostile", base + "/",
                columns=(ColumnSpec("gbk", base + "/gbk-bad"),))
r = scan_site(site, config)
print(json.dumps({
    "failures": {f.url[len(base):]: f.reason for f in r.failures},
    "links": {b.url.replace(base, ""): [b.outcome.value, b.reason] for b in r.broken_links},
    "columns": [[c.url[len(base):], [[i.title, str(i.published)] for i in c.items]]
                for c in r.columns],
    "trap_skipped": r.stats.trap_skipped,
    "probes": [p.ok for p in r.probes],
    "peak_mb": peak_mb(),
}, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def hostile_scan() -> tuple[dict[str, object], HostileServer]:
    with HostileServer() as server:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, server.base],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1]), server


def test_each_case_is_recorded_with_its_reason(hostile_scan) -> None:
    report, _ = hostile_scan
    failures, links = report["failures"], report["links"]
    assert failures["/drip"] == "timeout"
    assert failures["/slow-headers"] == "timeout"
    assert failures["/huge"] == "too_large"
    assert failures["/huge-declared"] == "too_large"
    assert failures["/gzip-bomb"] == "decompression_limit"
    assert failures["/reset"] == "reset"
    assert links["/redirect-loop"] == ["redirect_loop", "redirect_loop"]
    assert links["/reset"][0] == "server_error"
    assert links["/status/500"] == ["server_error", "http 500"]
    assert links["/status/503"] == ["server_error", "http 503"]
    assert links["/status/403"] == ["blocked", "http 403"]
    assert links["/status/429"] == ["blocked", "http 429"]
    assert links["/status/404"] == ["broken", "http 404"]
    assert links["/drip"][0] == "timeout"
    assert links["http://10.0.0.1/internal"] == ["unsupported", "private_address"]
    assert links["unsupported:ftp://files.example/x"][0] == "unsupported"
    # Oversized bodies are failures of the page, not dead links.
    assert "/huge" not in links and "/gzip-bomb" not in links
    assert "/gzip-ok" not in failures and "/ok.html" not in failures


def test_retries_only_transient_failures(hostile_scan) -> None:
    _, server = hostile_scan
    assert server.hits["/status/503"] == 2  # one retry
    assert 2 <= server.hits["/reset"] <= 4  # aiohttp itself may retry a reused connection
    assert server.hits["/status/500"] == 1
    assert server.hits["/status/404"] == 1
    assert server.hits["/status/429"] == 1


def test_endless_calendar_is_bounded(hostile_scan) -> None:
    report, server = hostile_scan
    assert report["trap_skipped"] >= 1
    assert server.hits["/calendar"] <= 10


def test_invalid_bytes_in_a_gbk_page_still_decode(hostile_scan) -> None:
    report, _ = hostile_scan
    columns = dict((url, items) for url, items in report["columns"])
    assert columns["/gbk-bad"] == [["通知正文", "2024-06-28"]]


def test_peak_memory_stays_under_the_limit(hostile_scan) -> None:
    report, _ = hostile_scan
    assert 0 < report["peak_mb"] < PEAK_LIMIT_MB, report["peak_mb"]
