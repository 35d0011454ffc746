"""The Chinese admin: overrides need a reason and record who decided; batches are read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from govwatch.web.registry.services import unit_resolve
from govwatch.web.statistics.models import StatisticsBatch, VerdictOverride
from govwatch.web.statistics.services import statistics_import
from tests.helpers import load_demo_registry, seed_path
from tests.web.statistics import helpers as H

pytestmark = pytest.mark.django_db


def test_override_needs_a_reason_and_records_the_decider(admin_client: Client) -> None:
    load_demo_registry()
    unit = unit_resolve("市民政局", H.GOLMUD)
    form = {"unit": str(unit.pk), "period": "2024-05~2024-06", "qualified": "on"}
    blank = admin_client.post("/admin/statistics/verdictoverride/add/", {**form, "reason": " "})
    assert blank.status_code == 200 and "理由" in blank.content.decode()
    assert not VerdictOverride.objects.exists()
    good = admin_client.post(
        "/admin/statistics/verdictoverride/add/", {**form, "reason": "按办公室审定结论"}
    )
    assert good.status_code == 302, good.content.decode()[:2000]
    saved = VerdictOverride.objects.get()
    assert saved.qualified and saved.decided_by.username == "inspector"  # type: ignore[union-attr]


def test_batches_show_their_rows_read_only(admin_client: Client) -> None:
    load_demo_registry()
    statistics_import(
        seed_path("000_a1_office_system_usage.csv"),
        "office_documents",
        period="2024Q2",
        scope=H.GOLMUD,
    )
    batch = StatisticsBatch.objects.get()
    listing = admin_client.get("/admin/statistics/statisticsbatch/")
    assert listing.status_code == 200 and "协同办公系统收发文统计" in listing.content.decode()
    page = admin_client.get(f"/admin/statistics/statisticsbatch/{batch.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "格尔木市人民政府办公室" in body
    assert admin_client.get("/admin/statistics/statisticsbatch/add/").status_code == 403
    for path in ("quotaclass/", "quotaclass/add/", "quotaassignment/", "verdictoverride/"):
        assert admin_client.get(f"/admin/statistics/{path}").status_code == 200, path
