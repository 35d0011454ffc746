"""What the admin refuses, with Chinese messages: a site code that is not 10 digits or bm
and 8 digits, a waiver for an indicator that does not exist, without a target, or expired.
Checked on the model (full_clean) and through the admin's own form (a real POST)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from govwatch.web.inspections.models import Waiver
from govwatch.web.registry.models import Site, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> Unit:
    return Unit.objects.create(name="甲市人民政府", level="prefecture", kind="government")


def _site(unit: Unit, code: str) -> Site:
    return Site(
        site_code=code,
        name="甲市人民政府网",
        home_url="http://www.jia.gov.cn/",
        kind="gov_portal",
        operating_unit=unit,
        status="running",
    )


@pytest.mark.parametrize("code", ["12345", "bm1234567", "BM12345678x", "63280100x1"])
def test_site_code_refused_by_the_model(unit: Unit, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _site(unit, code).full_clean()
    assert "应为10位数字，或bm加8位数字" in " ".join(refused.value.message_dict["site_code"])


@pytest.mark.parametrize("code", ["6328010001", "bm41020001"])
def test_site_code_accepted(unit: Unit, code: str) -> None:
    _site(unit, code).full_clean()


def test_site_code_refused_by_the_admin_form(admin_client: Client, unit: Unit) -> None:
    form = {
        "site_code": "12345",
        "name": "甲市人民政府网",
        "home_url": "http://www.jia.gov.cn/",
        "extra_hosts": "[]",
        "business_systems": "[]",
        "kind": "gov_portal",
        "operating_unit": unit.pk,
        "status": "running",
        "has_public_services": "on",
        "columns-TOTAL_FORMS": "0",
        "columns-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/registry/site/add/", form)
    assert response.status_code == 200  # the form again, not a redirect
    assert "网站标识码格式错误" in response.content.decode()
    assert not Site.objects.exists()
    form["site_code"] = " BM41020001 "  # typed in capitals: stored as the import stores it
    assert admin_client.post("/admin/registry/site/add/", form).status_code == 302
    assert Site.objects.get().site_code == "bm41020001"


def test_bogus_waiver_refused_by_the_model() -> None:
    waiver = Waiver(
        code="XYZ999",
        reason="试试",
        approver="某人",
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        waiver.full_clean()
    errors = refused.value.message_dict
    assert "指标代码「XYZ999」不存在" in errors["code"][0]
    assert "须且只能填写一项" in errors["site"][0]
    assert "有效期必须晚于今天" in errors["expires_on"][0]


def test_waiver_with_two_targets_refused(unit: Unit) -> None:
    from govwatch.web.registry.models import Account

    site = _site(unit, "6328010001")
    site.save()
    account = Account.objects.create(
        platform="wechat", name="甲市发布", opening_unit=unit, status="running"
    )
    waiver = Waiver(
        code="sit003",
        site=site,
        account=account,
        reason="改版",
        approver="王主任",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError) as refused:
        waiver.full_clean()
    assert set(refused.value.message_dict) == {"site"}
    waiver.account = None
    waiver.full_clean()
    assert waiver.code == "SIT003"  # typed in lower case, kept as the registry spells it


def test_bogus_waiver_refused_by_the_admin_form(admin_client: Client, unit: Unit) -> None:
    form = {
        "code": "XYZ999",
        "target_id": "",
        "reason": "试试",
        "approver": "某人",
        "expires_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }
    response = admin_client.post("/admin/inspections/waiver/add/", form)
    body = response.content.decode()
    assert response.status_code == 200
    assert "指标代码「XYZ999」不存在" in body
    assert "须且只能填写一项" in body
    assert "有效期必须晚于今天" in body
    assert not Waiver.objects.exists()
    site = _site(unit, "6328010001")
    site.save()
    form |= {"code": "SIT003", "site": site.pk}
    form["expires_on"] = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert admin_client.post("/admin/inspections/waiver/add/", form).status_code == 302
    assert Waiver.objects.get().site == site
