"""`govwatch scan` with a corrupt crawl-state file: every site of the run is stored, the
corrupt file is set aside and the run's stats say the state was reset; a site whose scan
breaks is stored as a failed run that accuses the site of nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.engine.crawl import SiteScanResult, SiteSpec, parallel
from govwatch.engine.crawl.parallel import state_path
from govwatch.engine.crawl.scan import scan_site_async
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.services import sites_scan

pytestmark = pytest.mark.django_db(transaction=True)


def test_govwatch_scan_resets_a_corrupt_state_and_stores_every_site(
    farm: Farm, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from govwatch.cli import main

    codes = [site_code(s["code"]) for s in farm.sites[:2]]  # dm1, dm2
    state_dir = Path(django_settings.GOVWATCH_CRAWL_STATE_DIR)
    state_dir.mkdir(parents=True)
    corrupt = state_path(state_dir, SiteSpec(codes[1], "", "http://x/"))
    corrupt.write_bytes(b"\xde\xad\xbe\xef not a crawl-state file " * 300)
    argv = ["scan", "--date", farm.scan_date.isoformat(), "--json", "--processes", "2"]
    argv += [arg for code in codes for arg in ("--site", code)]
    with FarmServer(farm) as server:
        settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
        settings.GOVWATCH_RESOLVE = [f"{host}={target}" for host, target in server.host_map()]
        assert main(argv) in (0, 1)
    printed = {run["site"]: run for run in json.loads(capsys.readouterr().out)}
    assert sorted(printed) == sorted(codes)
    runs = {run.site.site_code: run for run in ScanRun.objects.all()}
    assert sorted(runs) == sorted(codes)
    for code in codes:
        run = runs[code]
        assert run.home_fetched and run.columns.exists(), code
        assert run.stats["pages_fetched"] > 50, code
        assert printed[code]["stats"] == run.stats
    assert runs[codes[0]].stats["state_reset"] == ""
    reset = runs[codes[1]].stats["state_reset"]
    assert "file is not a database" in reset
    [aside] = state_dir.glob(corrupt.name + ".corrupt-*")
    assert aside.name in reset
    assert aside.read_bytes().startswith(b"\xde\xad\xbe\xef")
    assert sorted(p.name for p in state_dir.glob("*.sqlite3")) == sorted(
        f"{code}.sqlite3" for code in codes
    )


def test_a_site_whose_scan_breaks_is_stored_as_failed_and_accused_of_nothing(
    farm: Farm, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = site_code("dm1")
    real = scan_site_async

    async def failing(site: SiteSpec, *args: Any) -> SiteScanResult:
        if site.code == broken:
            raise RuntimeError("boom")
        return await real(site, *args)

    monkeypatch.setattr(parallel, "scan_site_async", failing)
    sites = Site.objects.filter(site_code__in=[broken, site_code("dm2")])
    with FarmServer(farm) as server:
        runs = sites_scan(sites, scan_date=farm.scan_date, fetch=server.fetch_config(), processes=1)
    assert len(runs) == 2
    failed = ScanRun.objects.get(site__site_code=broken)
    assert not failed.home_fetched
    assert failed.home_error == "scan failed: RuntimeError: boom"
    assert failed.failures == [
        {"url": failed.site.home_url, "reason": failed.home_error, "status": None}
    ]
    # Nothing was observed: every finding is "cannot tell", never a deduction or a veto.
    assert {f.severity for f in failed.findings.all()} == {"info"}
    fine = ScanRun.objects.get(site__site_code=site_code("dm2"))
    assert fine.home_fetched and fine.stats["pages_fetched"] > 50
