"""The supervisors' inspection pages after issue #16's speed work show what the one scope
rule selects: the whole-registry shortcut of the selectors, the counts the pages take from
their grouped reads, and the pages read id first (tests/web/workspace for the pages' look).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client

from govwatch.engine.profiles.loader import PROFILE_DIR
from govwatch.web.config.engine import profile_load
from govwatch.web.inspections.models import (
    PROBLEMS,
    Inspection,
    InspectionFinding,
    InspectionResult,
)
from govwatch.web.registry.models import Account, Site, Unit
from govwatch.web.tickets.services import SENT_SEVERITIES
from govwatch.web.users.models import Membership
from govwatch.web.users.selectors import Scope, findings_visible, results_visible, scope_of

SITES = 70  # more than a page (50) of results and of findings


def _world() -> tuple[Unit, Unit, Inspection]:
    """A province with two cities; SITES sites spread over the three units, two accounts,
    one result of neither (never visible to a region), findings of every state."""
    province = Unit.objects.create(name="某省人民政府", level="province", kind="government")
    city = Unit.objects.create(name="甲市人民政府", parent=province, level="prefecture")
    other = Unit.objects.create(name="乙市人民政府", parent=province, level="prefecture")
    units = [province, city, other]
    inspection = Inspection.objects.create(
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )
    states = ["open", "confirmed", "dismissed", "waived"]
    severities = ["veto", "deduction", "warning", "info"]
    for n in range(SITES):
        site = Site.objects.create(
            site_code=f"{1101000000 + n}",
            name=f"网站{n}",
            home_url=f"http://127.0.0.1:9/{n}/",
            kind="department_website",
            operating_unit=units[n % 3],
            status="running",
        )
        result = InspectionResult.objects.create(
            inspection=inspection,
            site=site,
            verdict=["qualified", "unqualified", "unknown"][n % 3],
        )
        for k in range(n % 3):  # 0, 1 or 2 findings, codes out of pk order
            InspectionFinding.objects.create(
                result=result,
                code=f"LNK00{2 - k}",
                slug="lnk",
                severity=severities[(n + k) % 4],
                state=states[(n // 3 + k) % 4],
                target_kind="page",
                target_id=f"http://127.0.0.1:9/{n}/{k}.html",
                message=f"问题{n}-{k}",
            )
    for n, unit in enumerate((city, other)):
        account = Account.objects.create(
            platform="wechat", name=f"账号{n}", opening_unit=unit, status="running"
        )
        InspectionResult.objects.create(inspection=inspection, account=account, verdict="qualified")
    InspectionResult.objects.create(inspection=inspection, verdict="unknown")  # no target
    return province, city, inspection


def _login(name: str, unit: Unit) -> Any:
    user = get_user_model().objects.create_user(name, "", "pages-pass-123")
    Membership.objects.create(user=user, role="supervisor", unit=unit)
    return user


def _joined(scope: Scope) -> Scope:
    """The same scope read by the unit rule itself (sites and accounts joined)."""
    return Scope(role=scope.role, units=scope.units, unit_id=scope.unit_id, user_id=scope.user_id)


@pytest.mark.django_db
def test_a_whole_registry_scope_selects_what_the_unit_rule_selects() -> None:
    province, city, _ = _world()
    scope = scope_of(_login("sup", province))
    assert scope.whole_registry
    assert not scope_of(_login("city", city)).whole_registry
    for selector in (results_visible, findings_visible):
        shortcut = set(selector(scope).values_list("pk", flat=True))
        assert shortcut == set(selector(_joined(scope)).values_list("pk", flat=True))
    # The result of neither a site nor an account stays out, as under the unit rule.
    assert results_visible(scope).count() == InspectionResult.objects.count() - 1
    # A unit outside the province: no longer the whole registry, and its rows stay out.
    outside = Unit.objects.create(name="另省人民政府", level="province", kind="government")
    Site.objects.create(
        site_code="9901000001",
        name="另省网站",
        home_url="http://127.0.0.1:9/x/",
        kind="department_website",
        operating_unit=outside,
        status="running",
    )
    user = get_user_model().objects.get(username="sup")
    assert not scope_of(user).whole_registry


def _expected(scope: Scope, inspection: Inspection) -> dict[str, Any]:
    """The page's figures as the unit rule counts them, one query each (the old way)."""
    results = results_visible(scope).filter(inspection=inspection)
    problems = findings_visible(scope).filter(result__inspection=inspection, severity__in=PROBLEMS)
    to_send = problems.filter(state="confirmed", severity__in=SENT_SEVERITIES)
    return {
        "verdicts": dict(results.order_by().values_list("verdict").annotate(n=Count("pk"))),
        "by_state": dict(problems.order_by().values_list("state").annotate(n=Count("pk"))),
        "results": list(results.order_by("-verdict", "pk").values_list("pk", flat=True)),
        "findings": list(problems.order_by("result_id", "code", "pk").values_list("pk", flat=True)),
        "to_send": to_send.count(),  # nothing is sent in this world
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["province", "city"])
def test_the_inspection_page_shows_the_unit_rules_counts_and_rows(who: str) -> None:
    province, city, inspection = _world()
    user = _login("sup", province if who == "province" else city)
    expected = _expected(_joined(scope_of(user)), inspection)
    assert len(expected["results"]) > 50 or who == "city"
    client = Client()
    client.force_login(user)
    url = f"/supervise/inspections/{inspection.pk}/"
    first = client.get(url).context
    assert first["verdicts"] == expected["verdicts"]
    assert first["problems_total"] == sum(expected["by_state"].values())
    assert {k: n for k, _, n in first["states"] if n} == expected["by_state"]
    assert first["to_send"] == expected["to_send"] > 0
    results, findings = [], []
    for n in range(1, 4):
        page = client.get(url, {"rpage": n, "page": n}).context
        assert page["results"].paginator.count == len(expected["results"])
        assert page["findings"].paginator.count == len(expected["findings"])
        if n <= page["results"].paginator.num_pages:
            results += [row.pk for row in page["results"]]
        if n <= page["findings"].paginator.num_pages:
            findings += [row.pk for row in page["findings"]]
            assert all(row.result.site.name and row.sent is False for row in page["findings"])
    assert results == expected["results"]
    assert findings == expected["findings"]
    for state, n in expected["by_state"].items():
        page = client.get(url, {"state": state}).context
        assert page["findings"].paginator.count == n
        assert {row.state for row in page["findings"]} == {state}


@pytest.mark.django_db
def test_the_inspections_list_counts_what_the_unit_rule_counts() -> None:
    province, city, inspection = _world()
    for unit in (province, city):
        user = _login(f"sup-{unit.pk}", unit)
        expected = _expected(_joined(scope_of(user)), inspection)
        client = Client()
        client.force_login(user)
        (row,) = client.get("/supervise/inspections/").context["rows"]
        assert row["results"] == len(expected["results"])
        assert row["open"] == expected["by_state"].get("open", 0)
        assert row["unsent"] == expected["to_send"]


def test_a_profile_is_parsed_once_and_again_when_its_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "my-profile.yaml"
    shutil.copy(PROFILE_DIR / "cn-national-2019.yaml", path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("profile: cn-national-2019", "profile: my-profile"), "utf-8")
    first = profile_load(str(path))
    assert profile_load(str(path)) is first  # not parsed again
    edited = path.read_text(encoding="utf-8").replace("title_zh:", "title_zh: 改过的方案 #", 1)
    path.write_text(edited, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = profile_load(str(path))
    assert second is not first
    assert second.title_zh.startswith("改过的方案")
