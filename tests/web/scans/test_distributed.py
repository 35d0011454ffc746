"""One site scan is one Celery task. With CELERY_BROKER_URL (the service-backed run, Redis on
127.0.0.1:6379) a real worker takes the tasks from Redis; without it they run in-process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from demo.farm import Farm, FarmServer
from demo.farm_registry import site_code
from govwatch.web.config.celery import app
from govwatch.web.scans.models import ScanRun
from govwatch.web.scans.tasks import scan_site_task

pytestmark = pytest.mark.django_db(transaction=True)


def test_scan_tasks_store_runs(farm: Farm, tmp_path: Path, settings) -> None:
    if os.environ.get("GOVWATCH_REQUIRE_SERVICES") == "1":
        assert django_settings.CELERY_BROKER_URL.startswith("redis://"), (
            "the service run must use Redis"
        )
    codes = [site_code(s["code"]) for s in farm.sites[:3]]
    with FarmServer(farm) as server:
        settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
        settings.GOVWATCH_RESOLVE = [f"{host}={target}" for host, target in server.host_map()]
        if django_settings.CELERY_BROKER_URL:
            from celery.contrib.testing.worker import start_worker

            app.conf.task_always_eager = False
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                pending = [scan_site_task.delay(code, farm.scan_date.isoformat()) for code in codes]
                run_ids = [result.get(timeout=120) for result in pending]
        else:
            run_ids = [scan_site_task.delay(c, farm.scan_date.isoformat()).get() for c in codes]
    runs = ScanRun.objects.filter(pk__in=run_ids)
    assert sorted(runs.values_list("site__site_code", flat=True)) == sorted(codes)
    assert all(run.columns.exists() for run in runs)
    # The scheduler `govwatch scan` uses: one crawl-state file per site, named by its code.
    state = sorted(p.name for p in (tmp_path / "state").glob("*.sqlite3"))
    assert state == sorted(f"{code}.sqlite3" for code in codes)


def test_govwatch_scan_distribute_sends_one_task_per_site(
    farm: Farm, settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """`govwatch scan --distribute` is how the product hands sites to the workers."""
    from govwatch.cli import main

    codes = [site_code(s["code"]) for s in farm.sites[:2]]
    argv = ["scan", "--distribute", "--date", farm.scan_date.isoformat(), "--json"]
    argv += [arg for code in codes for arg in ("--site", code)]
    if not django_settings.CELERY_BROKER_URL:
        assert main(argv) == 2
        assert "CELERY_BROKER_URL" in capsys.readouterr().err
        assert not ScanRun.objects.exists()
        return
    from celery.contrib.testing.worker import start_worker

    with FarmServer(farm) as server:
        settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
        settings.GOVWATCH_RESOLVE = [f"{host}={target}" for host, target in server.host_map()]
        app.conf.task_always_eager = False
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(run["site"] for run in printed) == sorted(codes)
    assert ScanRun.objects.filter(site__site_code__in=codes).count() == len(codes)
