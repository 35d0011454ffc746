"""Celery tasks of the scan step: one site scan is one task, so sites spread over workers."""

from __future__ import annotations

from datetime import date

from celery import shared_task


@shared_task(name="govwatch.scan_site")
def scan_site_task(site_code: str, scan_date: str, profile_name: str | None = None) -> int:
    """Scan one registered site and store the result; returns the ScanRun id. The same
    sites_scan as `govwatch scan`: one site is scanned in this worker process."""
    from govwatch.web.registry.models import Site
    from govwatch.web.scans.services import sites_scan

    site = Site.objects.get(site_code=site_code)
    [run] = sites_scan([site], scan_date=date.fromisoformat(scan_date), profile_name=profile_name)
    return int(run.pk)
