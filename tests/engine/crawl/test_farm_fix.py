"""The demo farm's fixable site (dm6): its footer lacks the ICP备案号 until a fix is POSTed
to the farm server's own control path, from this process or another one."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.farm import FarmServer, build_farm
from govwatch.engine.crawl import ScanConfig, scan_site

ROOT = Path(__file__).resolve().parents[3]
ICP = "豫ICP备12345678号-1"


def request(port: int, method: str, path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """One request to the farm on 127.0.0.1:PORT with Host HOST (no proxy in between)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method, path, body=b"" if method == "POST" else None, headers={"Host": host}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def home(port: int) -> str:
    status, body = request(port, "GET", "/", host="www.dm6.gov.cn")
    assert status == 200
    return body.decode("utf-8")


def test_fix_is_part_of_the_truth_and_deterministic() -> None:
    farm = build_farm(7)
    assert farm.fixable == {"dm6": "www.dm6.gov.cn"}
    assert farm.truth["fixes"] == {
        "dm6": {"defect": "missing_icp_record", "check": "SIT003", "control": "/__farm__/fix/dm6"}
    }
    assert farm.truth["sites"]["dm6"]["facts"]["icp_record"] is False
    assert {"site": "dm6", "defect": "missing_icp_record", "target": "dm6"} in farm.truth["planted"]
    again = build_farm(7).hosts["www.dm6.gov.cn"]
    host = farm.hosts["www.dm6.gov.cn"]
    assert again.pages == host.pages and again.fixed_pages == host.fixed_pages
    # The fix is one template change: every page with the footer, and nothing else.
    assert set(host.fixed_pages) == {p for p, page in host.pages.items() if b"footer" in page.body}
    for path, page in host.fixed_pages.items():
        assert ICP.encode() in page.body and ICP.encode() not in host.pages[path].body, path


def test_control_path_fixes_and_resets_the_site_on_a_running_server() -> None:
    farm = build_farm(7)
    with FarmServer(farm) as server:
        assert ICP not in home(server.port)
        # Only on the server's own address: a crawl of a farm site cannot reach it.
        assert request(server.port, "POST", "/__farm__/fix/dm6", host="www.dm6.gov.cn")[0] == 404
        assert request(server.port, "GET", "/__farm__/fix/dm6")[0] == 405
        assert request(server.port, "POST", "/__farm__/fix/dm1")[0] == 404  # not fixable
        assert request(server.port, "POST", "/__farm__/nonsense/dm6")[0] == 404
        assert ICP not in home(server.port)
        status, body = request(server.port, "POST", "/__farm__/fix/dm6")
        assert (status, json.loads(body)) == (200, {"site": "dm6", "fixed": True})
        assert ICP in home(server.port)
        status, body = request(server.port, "GET", "/__farm__/fixes")
        assert json.loads(body) == {"fixable": ["dm6"], "fixed": ["dm6"]}
        assert request(server.port, "POST", "/__farm__/fix/dm6")[0] == 200  # again: no harm
        assert request(server.port, "POST", "/__farm__/reset/dm6")[0] == 200
        assert ICP not in home(server.port)
        server.fix("dm6")  # the same, in process
        assert ICP in home(server.port)
        # Control requests stay out of the request log; the site's own 404 is in it.
        logged = [(r.host, r.path) for r in server.requests if "__farm__" in r.path]
        assert logged == [("www.dm6.gov.cn", "/__farm__/fix/dm6")]
    with FarmServer(farm) as fresh:  # a new server of the same farm starts unfixed
        assert ICP not in home(fresh.port)


def test_a_scan_after_the_fix_finds_the_mark() -> None:
    farm = build_farm(7)
    with FarmServer(farm) as server:
        spec = next(s for s in server.site_specs() if s.code == "dm6")
        config = ScanConfig(fetch=server.fetch_config(), scan_date=farm.scan_date, probe_count=0)
        before = scan_site(spec, config)
        assert before.facts.icp_record == "" and before.facts.police_record
        assert request(server.port, "POST", "/__farm__/fix/dm6")[0] == 200
        after = scan_site(spec, config)
        assert after.facts.icp_record == ICP
        assert after.facts.site_id_code == before.facts.site_id_code
        assert not after.broken_links and not before.broken_links


@pytest.fixture
def farm_process() -> Iterator[tuple[subprocess.Popen[str], dict]]:
    """`python -m demo.farm serve` in a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVWATCH_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.farm", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # one indented JSON object, closed by "}" alone
            lines.append(line)
            if line.rstrip() == "}":
                break
        yield process, json.loads("".join(lines))
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_fix_from_another_process(farm_process: tuple[subprocess.Popen[str], dict]) -> None:
    _, shown = farm_process
    port = shown["port"]
    assert shown["fix"] == {"dm6": f"http://127.0.0.1:{port}/__farm__/fix/dm6"}
    assert ICP not in home(port)
    assert request(port, "POST", "/__farm__/fix/dm6")[0] == 200
    assert ICP in home(port)
