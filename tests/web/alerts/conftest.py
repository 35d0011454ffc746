"""Fixtures of the alert tests: inline sending, the loopback servers, a small unit tree
with its people, and problem lists sent through the tickets app's own service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.registry.models import Site, Unit
from govwatch.web.tickets.models import ProblemList
from govwatch.web.tickets.services import problem_lists_send
from govwatch.web.users.models import Membership
from tests.web.alerts.servers import Receiver, SmtpServer, WebhookServer

DINGTALK_SECRET = "SEC0123456789abcdef-test-secret"
SMS_TOKEN = "sms-gateway-token-for-tests"


@pytest.fixture(autouse=True)
def _alert_settings(settings: Any) -> None:
    # Sent inside alert_emit, so a test sees the outcome without waiting for a thread.
    settings.GOVWATCH_ALERT_INLINE = True
    settings.GOVWATCH_ALERT_BASE_URL = ""
    settings.GOVWATCH_ALLOW_HOSTS = ["127.0.0.0/8"]
    settings.GOVWATCH_ALERT_TIMEOUT = 5
    settings.GOVWATCH_SMS_GATEWAY_URL = ""
    settings.GOVWATCH_SMS_GATEWAY_TOKEN = ""


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        # pytest-django swaps in the locmem backend; these tests want the real SMTP one.
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.DEFAULT_FROM_EMAIL = "govwatch@jianguan.example.cn"
        yield server


@pytest.fixture
def hooks() -> Iterator[WebhookServer]:
    with WebhookServer(Receiver(secret=DINGTALK_SECRET, token=SMS_TOKEN)) as server:
        yield server


@dataclass
class World:
    province: Unit
    city: Unit
    bureau: Unit
    elsewhere: Unit
    site: Site
    people: dict[str, Any]


def person(name: str, role: str, unit: Unit | None, email: str = "", phone: str = "") -> Any:
    user = get_user_model().objects.create_user(name, email=email, password="Pass-2024-xyz!")
    Membership.objects.create(user=user, role=role, unit=unit, phone=phone)
    return user


@pytest.fixture
def world() -> World:
    province = Unit.objects.create(name="河南省人民政府办公厅", level="province", kind="government")
    city = Unit.objects.create(
        name="开封市人民政府", level="prefecture", kind="government", parent=province
    )
    bureau = Unit.objects.create(
        name="开封市教育局", level="prefecture", kind="department", parent=city
    )
    elsewhere = Unit.objects.create(
        name="洛阳市人民政府", level="prefecture", kind="government", parent=province
    )
    site = Site.objects.create(
        site_code="4102000001", name="开封市教育局网站", home_url="http://jyj.kaifeng.gov.cn/",
        kind="department_website", operating_unit=bureau, status="running",
    )  # fmt: skip
    people = {
        "operator": person("tianbao", "unit_operator", bureau, "tianbao@jyj.example.cn", "13800000001"),
        "operator_no_mail": person("wuyouxiang", "unit_operator", bureau),
        "other_operator": person("qita", "unit_operator", city, "qita@kaifeng.example.cn"),
        "bureau_supervisor": person("benji", "supervisor", bureau, "benji@jyj.example.cn"),
        "city_leader": person("lingdao", "reader", city, "lingdao@kaifeng.example.cn", "13900000002"),
        "city_supervisor": person("jianguan", "supervisor", city, "jianguan@kaifeng.example.cn"),
        "province_supervisor": person("shengban", "supervisor", province, "sheng@ha.example.cn"),
        "luoyang_supervisor": person("luoyang", "supervisor", elsewhere, "ly@luoyang.example.cn"),
    }  # fmt: skip
    return World(province, city, bureau, elsewhere, site, people)


def inspection_with_findings(world: World, count: int = 2, period: str = "2024Q3") -> Inspection:
    inspection = Inspection.objects.create(
        period=period, period_start=dt.date(2024, 7, 1), period_end=dt.date(2024, 9, 30),
        profile="cn-national-2019",
    )  # fmt: skip
    result = InspectionResult.objects.create(
        inspection=inspection, site=world.site, verdict="unqualified"
    )
    for number in range(count):
        InspectionFinding.objects.create(
            result=result, code="UPD001", slug="home-page-not-updated", severity="veto",
            target_kind="site", target_id=f"{world.site.home_url}#{number}",
            message=f"首页超过2周未更新（第{number + 1}处）", evidence={},
            fingerprint=f"fp{number}", state="confirmed",
        )  # fmt: skip
    return inspection


def send_list(world: World, today: dt.date = dt.date(2024, 9, 27), count: int = 2) -> ProblemList:
    """A problem list for the bureau, sent through the tickets app (alerts after commit)."""
    [problem_list] = problem_lists_send(inspection_with_findings(world, count), today=today)
    return problem_list
