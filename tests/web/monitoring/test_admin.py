"""The watch in the admin: schedules editable in Chinese (per site too), probes, rollups,
warnings and locks shown but never edited by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.monitoring.models import Schedule
from govwatch.web.monitoring.services import schedules_ensure
from govwatch.web.registry.models import Site
from govwatch.web.scans.models import Probe
from tests.web.newmedia.helpers import unit

pytestmark = pytest.mark.django_db


def test_schedules_are_listed_and_edited_in_chinese(admin_client: Client) -> None:
    schedules_ensure(work_calendar_load())
    page = admin_client.get("/admin/monitoring/schedule/").content.decode()
    for label in (
        "监测计划",
        "可用性探测",
        "全站扫描（链接、内容）",
        "季度检查初稿",
        "间隔（分钟）",
    ):
        assert label in page
    site = Site.objects.create(
        site_code="1100000001", name="示范网站", home_url="http://a.gov.cn/", kind="department",
        operating_unit=unit(), status="running",
    )  # fmt: skip
    form = {
        "kind": "probe", "site": site.pk, "enabled": "on", "interval_minutes": "10",
        "jitter_seconds": "30", "next_run_at_0": "2024-07-10", "next_run_at_1": "09:00:00",
    }  # fmt: skip
    response = admin_client.post("/admin/monitoring/schedule/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    own = Schedule.objects.get(kind="probe", site=site)
    assert own.interval_minutes == 10
    again = admin_client.post("/admin/monitoring/schedule/add/", form)  # one per site and kind
    assert again.status_code == 200 and Schedule.objects.filter(site=site).count() == 1


@pytest.mark.parametrize("model", ["scans/probe", "scans/probeday", "monitoring/earlywarning"])
def test_evidence_is_read_only(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code == 403


def test_a_probe_cannot_be_edited_or_deleted(admin_client: Client) -> None:
    site = Site.objects.create(
        site_code="1100000002", name="示范网站二", home_url="http://b.gov.cn/", kind="department",
        operating_unit=unit(), status="running",
    )  # fmt: skip
    probe = Probe.objects.create(
        site=site, at=timezone.now() - dt.timedelta(hours=1), ok=False, elapsed=15.0,
        outcome="timeout", reason="timeout",
    )  # fmt: skip
    page = admin_client.get(f"/admin/scans/probe/{probe.pk}/change/").content.decode()
    assert "超时（15秒未打开）" in page and 'name="ok"' not in page
    assert (
        admin_client.post(f"/admin/scans/probe/{probe.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Probe.objects.filter(pk=probe.pk).exists()


def test_a_schedule_names_only_targets_its_kind_can_have(admin_client: Client) -> None:
    site = Site.objects.create(
        site_code="1100000003", name="示范网站三", home_url="http://c.gov.cn/", kind="department",
        operating_unit=unit(), status="running",
    )  # fmt: skip
    form = {
        "kind": "warnings", "site": site.pk, "enabled": "on", "interval_minutes": "0",
        "jitter_seconds": "0", "next_run_at_0": "2024-07-10", "next_run_at_1": "09:00:00",
    }  # fmt: skip
    page = admin_client.post("/admin/monitoring/schedule/add/", form).content.decode()
    assert "“预警计算”不能针对单个网站" in page and "间隔至少1分钟" in page
    assert not Schedule.objects.filter(site=site).exists()
