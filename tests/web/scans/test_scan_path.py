"""One scan path: `govwatch scan`, the Celery task and bench/scan_bench.py's product path
all run the engine's one scheduler (engine/crawl/parallel.scan_sites): one crawl-state file
per site, named by its code and kept across scans, and the same stored result."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.crawl import ScanStats, SiteSpec
from govwatch.engine.crawl.parallel import state_path
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.tasks import scan_site_task

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scan_bench", ROOT / "bench" / "scan_bench.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_task_and_bench_share_one_scheduler(farm: Farm, tmp_path: Path, settings) -> None:
    picked = farm.sites[:2]  # dm1, dm2: neither slow nor unreachable
    codes = [site_code(s["code"]) for s in picked]
    settings.GOVWATCH_CRAWL_STATE_DIR = tmp_path / "task-state"
    day = farm.scan_date.isoformat()
    with FarmServer(farm) as server:
        resolve = [f"{host}={target}" for host, target in server.host_map()]
        settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
        settings.GOVWATCH_RESOLVE = resolve
        task_runs = [ScanRun.objects.get(pk=scan_site_task.apply((c, day)).get()) for c in codes]
        command, env = _bench().product_scan(
            tmp_path / "cli",
            [(code, s["name"], s["home_url"]) for code, s in zip(codes, picked, strict=True)],
            resolve,
        )
        assert Path(command[0]).name == "govwatch" and command[1] == "scan"
        scans = [
            subprocess.run(
                [*command, "--date", day], env=env, capture_output=True, text=True, timeout=300
            )
            for _ in range(2)
        ]
    assert all(scan.returncode == 0 for scan in scans), scans[-1].stderr
    expected = sorted(state_path("", SiteSpec(code, code, "http://x/")).name for code in codes)
    assert expected == [f"{code}.sqlite3" for code in sorted(codes)]
    for folder in (tmp_path / "task-state", tmp_path / "cli" / "crawl-state"):
        assert sorted(p.name for p in folder.glob("*.sqlite3")) == expected
    first, again = (json.loads(scan.stdout) for scan in scans)
    assert {(s["site"], s["scan_id"]) for s in first} == {
        (r.site.site_code, r.scan_id) for r in task_runs
    }
    fields = {f.name for f in dataclasses.fields(ScanStats)}
    assert all(set(s["stats"]) == fields for s in first + again)
    assert all(set(r.stats) == fields for r in task_runs)
    # The second scan of the same day found its state file: finished pages are not refetched.
    assert all(s["stats"]["pages_resumed"] and not s["stats"]["pages_fetched"] for s in again)
