"""Acceptance: seed 003 (开封 2024Q1) annexes 1 and 2 from stored posts.

The demo registry (which holds every account of the annexes) is imported, post histories
built to match the annexes go through an xlsx export and ``posts_import``, and
``account_observations`` + the kaifeng-2024 profile must list exactly the annexes'
accounts with the same platforms and problem types. Every other demo account posts daily;
edge controls and a feed account whose latest fetch failed must not be listed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.clock import BEIJING
from govwatch.engine.findings import Finding
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile
from govwatch.engine.profiles.scoring import score_account
from govwatch.web.newmedia.models import FetchAttempt
from govwatch.web.newmedia.services import account_observations, posts_import
from govwatch.web.registry.models import Account, Unit
from tests.engine.newmedia.test_seed003 import POINT_DAY, _history, _read, annexes
from tests.helpers import SEEDS, Cell, load_demo_registry
from tests.web.newmedia import helpers as H

pytestmark = pytest.mark.django_db

ANNEX1 = SEEDS / "003_a1_unqualified_accounts.csv"
ANNEX2 = SEEDS / "003_a2_problem_accounts.csv"
POINT = dt.datetime.combine(POINT_DAY, dt.time(18, 0), tzinfo=BEIJING)
PERIOD_START = dt.date(2023, 11, 27)
CONTROLS = [
    # (name, registry platform, history kind, ingestion source)
    ("开封交警", "sina_weibo", "twice_on_week_edges", "export_file"),
    ("开封文旅", "douyin", "once_on_week_edge", "export_file"),
    ("开封头条", "toutiao", "fourteen_days", "export_file"),
    ("失联账号", "wechat_official_account", "two_weeks_silent", "feed"),
]


@pytest.fixture
def findings(tmp_path: Path) -> dict[str, list[Finding]]:
    if not (ANNEX1.is_file() and ANNEX2.is_file()):
        pytest.skip("共享种子数据不存在（需要 shared/ 与仓库并列）")
    load_demo_registry()
    office = Unit.objects.get(name="开封市人民政府办公室")
    for name, platform, _kind, source in CONTROLS:
        H.account(name, platform, opening_unit=office, ingestion_source=source)
    kinds = {r["account_name"]: "two_weeks_silent" for r in _read(ANNEX1)}
    for row in _read(ANNEX2):
        silent = row["problem_type"] == "一周未更新两次"
        kinds[row["account_name"]] = "once_this_week" if silent else "none_this_week"
    kinds.update({name: kind for name, _p, kind, _s in CONTROLS})
    rows: list[list[Cell]] = []
    for account in Account.objects.all():
        for back, hour in _history(kinds.get(account.name, "daily")):
            day = POINT_DAY - dt.timedelta(days=back)
            url = f"https://example.cn/{account.pk}/{day:%Y%m%d}/{hour}"
            when = dt.datetime.combine(day, dt.time(hour))  # a naive cell is Beijing time
            label = account.get_platform_display()
            rows.append([label, account.name, when, "动态", url, "原创"])
    path = H.write_xlsx(tmp_path / "kaifeng.xlsx", H.EXPORT_HEADERS, rows)
    report = posts_import(path)
    assert (report.new, report.duplicate) == (len(rows), 0)
    again = posts_import(path)
    assert (again.new, again.duplicate) == (0, len(rows))
    lost = Account.objects.get(name="失联账号")
    FetchAttempt.objects.create(
        account=lost, at=POINT - dt.timedelta(hours=1), ok=False, error="timeout"
    )

    profile = load_profile("kaifeng-2024")
    ctx = CheckContext(monitoring_point=POINT, period_start=PERIOD_START)
    return {
        account.name: run_checks(profile, observation, ctx)
        for account, observation in account_observations(POINT, PERIOD_START)
    }


def test_annexes_are_exactly_the_listed_accounts(findings: dict[str, list[Finding]]) -> None:
    annex1 = {(r["account_name"], r["platform"]) for r in _read(ANNEX1)}
    annex2 = {(r["account_name"], r["platform"], r["problem_type"]) for r in _read(ANNEX2)}
    assert annexes(findings) == (annex1, annex2) and len(annex2) == 11


def test_controls_and_the_failing_feed_are_not_listed(findings: dict[str, list[Finding]]) -> None:
    profile = load_profile("kaifeng-2024")
    for name, *_ in CONTROLS:
        assert not [f for f in findings[name] if f.severity in ("veto", "deduction")], name
        verdict = score_account(findings[name], profile, account_id=name)
        assert verdict.verdict != "unqualified", name
    assert {f.severity for f in findings["失联账号"]} == {"info"}
    edge = [f for f in findings["开封头条"] if f.code == "NMA001"]
    assert [(f.severity, f.evidence["days_since_post"]) for f in edge] == [("warning", 14)]
