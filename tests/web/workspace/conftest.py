"""A small world for the workspace pages: two cities, units below city A, one site per unit,
an inspection with findings, and one login per role.

甲市 (city A) ── 甲市教育局 (A1, site a1) and 甲市卫生健康委员会 (A2, site a2); 乙市 (city B,
site b). sup and reader watch city A, op1 and op2 answer for A1 and A2, outsider supervises
city B, norole has no membership.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.registry.models import Site, Unit
from govwatch.web.users.models import Membership

# Fixed "today" for deadlines: the work calendar covers it whatever day the suite runs.
TODAY = dt.date(2024, 7, 15)
PASSWORD = "workspace-pass-123"


@dataclass
class World:
    city_a: Unit
    unit_a1: Unit
    unit_a2: Unit
    city_b: Unit
    inspection: Inspection
    findings: dict[str, InspectionFinding]
    users: dict[str, Any]

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def _site(code: str, name: str, unit: Unit) -> Site:
    return Site.objects.create(
        site_code=code,
        name=name,
        # A closed loopback port: a re-check that does run reads nothing, quickly.
        home_url=f"http://127.0.0.1:9/{code}/",
        kind="department_website",
        operating_unit=unit,
        status="running",
    )


def make_finding(
    result: InspectionResult, code: str, severity: str, message: str, **extra: Any
) -> InspectionFinding:
    return InspectionFinding.objects.create(
        result=result,
        code=code,
        slug=code.lower(),
        severity=severity,
        target_kind=extra.pop("target_kind", "page"),
        target_id=extra.pop("target_id", f"{result.site.home_url}{code.lower()}.html"),
        message=message,
        evidence=extra.pop("evidence", {"url": f"{result.site.home_url}{code.lower()}.html"}),
        fingerprint=f"fp-{result.pk}-{code}",
        **extra,
    )


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr("govwatch.web.tickets.services.china_date", lambda *_: TODAY)
    city_a = Unit.objects.create(name="甲市人民政府", level="prefecture", kind="government")
    unit_a1 = Unit.objects.create(
        name="甲市教育局", parent=city_a, level="prefecture", kind="department"
    )
    unit_a2 = Unit.objects.create(
        name="甲市卫生健康委员会", parent=city_a, level="prefecture", kind="department"
    )
    city_b = Unit.objects.create(name="乙市人民政府", level="prefecture", kind="government")
    sites = {
        "a1": _site("1101000001", "甲市教育局网站", unit_a1),
        "a2": _site("1101000002", "甲市卫生健康委员会网站", unit_a2),
        "b": _site("1201000001", "乙市人民政府网站", city_b),
    }
    inspection = Inspection.objects.create(
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )
    results = {
        key: InspectionResult.objects.create(
            inspection=inspection, site=site, verdict="unqualified"
        )
        for key, site in sites.items()
    }
    findings = {
        "a1": make_finding(results["a1"], "LNK001", "deduction", "首页存在不可用链接"),
        "a1_info": make_finding(results["a1"], "UPD001", "info", "仅提示，不算问题"),
        "a2": make_finding(results["a2"], "LNK001", "deduction", "卫健委网站存在不可用链接"),
        "b": make_finding(results["b"], "LNK001", "deduction", "乙市网站存在不可用链接"),
    }
    users = {}
    for name, role, unit in (
        ("sup", "supervisor", city_a),
        ("reader", "reader", city_a),
        ("op1", "unit_operator", unit_a1),
        ("op2", "unit_operator", unit_a2),
        ("outsider", "supervisor", city_b),
        ("norole", None, None),
    ):
        user = get_user_model().objects.create_user(name, "", PASSWORD)
        if role:
            Membership.objects.create(user=user, role=role, unit=unit)
        users[name] = user
    return World(city_a, unit_a1, unit_a2, city_b, inspection, findings, users)


def messages_of(response: Any) -> list[str]:
    """The messages a followed response showed."""
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def sent(world: World) -> dict[str, Any]:
    """Every problem finding confirmed and sent: one list each for A1, A2 and city B."""
    from govwatch.web.inspections.services import finding_decide
    from govwatch.web.tickets.models import ProblemItem
    from govwatch.web.tickets.services import problem_lists_send

    for key in ("a1", "a2", "b"):
        finding_decide(world.findings[key], "confirmed", "确认", world.users["sup"])
    problem_lists_send(world.inspection, user=world.users["sup"])
    items = {key: ProblemItem.objects.get(finding=world.findings[key]) for key in ("a1", "a2", "b")}
    return {"items": items, "lists": {key: item.problem_list for key, item in items.items()}}
