"""Verdicts: veto short-circuit, per-item caps, the 60/80 lines, no-service rescaling."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from govwatch.engine.checks.inputs import (
    AccountObservation,
    CheckContext,
    ColumnObservation,
    LinkObservation,
    SiteObservation,
)
from govwatch.engine.findings import Finding, Severity
from govwatch.engine.profiles.judge import run_checks
from govwatch.engine.profiles.loader import load_profile
from govwatch.engine.profiles.model import Item, Profile
from govwatch.engine.profiles.scoring import score_account, score_site

POINT = datetime(2024, 6, 30, 10, 0)


def _f(code: str, severity: Severity, points: float = 0.0, target: str = "x") -> Finding:
    return Finding(code, "slug", "link", target, severity, "问题", {}, points)


def _wide(profile: Profile) -> Profile:
    """The national profile with caps large enough to reach the 60 line."""
    items = {k: replace(v, points=100.0) for k, v in profile.items.items()}
    return replace(profile, items=items)


def test_any_veto_fails_the_site_and_nothing_else_is_scored() -> None:
    profile = load_profile()
    veto = _f("UPD001", "veto")
    warning = _f("UPD004", "warning")
    verdict = score_site([_f("LNK001", "deduction", 1.0), veto, warning], profile, site_id="S1")
    assert verdict.verdict == "unqualified" and verdict.verdict_zh == "不合格"
    assert verdict.score is None and verdict.items == ()
    assert verdict.findings == (veto,)
    assert verdict.warnings == (warning,)
    assert "首页不更新" in verdict.reason_zh


def test_each_item_is_capped_at_its_own_points() -> None:
    profile = load_profile()  # link_availability is capped at 10
    findings = [_f("LNK001", "deduction", 1.0, f"u{i}") for i in range(30)]
    findings.append(_f("UPD005", "deduction", 3.0))
    verdict = score_site(findings, profile, site_id="S1")
    items = {item.item_id: item for item in verdict.items}
    assert (items["link_availability"].uncapped, items["link_availability"].deducted) == (30, 10)
    assert items["column_updates"].deducted == 3
    assert verdict.score == 87 and verdict.verdict == "qualified"
    assert len(verdict.findings) == 31


def test_sixty_passes_and_just_below_fails() -> None:
    profile = _wide(load_profile())
    at_line = score_site([_f("LNK001", "deduction", 40.0)], profile, site_id="S1")
    assert at_line.verdict == "qualified" and at_line.score == 60
    below = score_site([_f("LNK001", "deduction", 40.1)], profile, site_id="S1")
    assert below.verdict == "unqualified" and below.score == 59.9


def test_bonus_only_above_eighty_and_capped() -> None:
    profile = _wide(load_profile())
    at_80 = score_site([_f("LNK001", "deduction", 20.0)], profile, site_id="S1", bonus_points=5)
    assert (at_80.score, at_80.bonus) == (80, 0)
    above = score_site([_f("LNK001", "deduction", 19.9)], profile, site_id="S1", bonus_points=50)
    assert (above.score, above.bonus) == (80.1 + 30, 30)


def test_unit_without_services_drops_the_service_block_and_rescales() -> None:
    profile = _wide(load_profile())
    profile = replace(
        profile, items={**profile.items, "service": Item("service", "办事服务", 25.0, "service")}
    )
    rules = dict(profile.rules)
    rules["SIT003"] = replace(rules["SIT003"], severity="deduction", item="service", points_each=1)
    profile = replace(profile, rules=rules)
    findings = [_f("LNK001", "deduction", 15.0), _f("SIT003", "deduction", 10.0)]
    with_services = score_site(findings, profile, site_id="S1")
    assert with_services.score == 75
    without = score_site(findings, profile, site_id="S1", has_public_services=False)
    # Out of 75: 75 − 15 = 60, × 4/3 = 80; the service deduction is not counted.
    assert without.score == 80
    assert [item.item_id for item in without.items] == ["link_availability"]


def test_department_sites_pass_or_fail_on_vetoes_only_nationally() -> None:
    profile = load_profile()
    verdict = score_site(
        [_f("LNK001", "deduction", 90.0)], profile, site_id="S2", site_class="department_site"
    )
    assert verdict.verdict == "qualified" and verdict.score is None


def test_accounts_fail_on_vetoes_and_list_other_problems() -> None:
    profile = load_profile("kaifeng-2024")
    failed = score_account(
        [_f("NMA001", "veto"), _f("NMA002", "warning")], profile, account_id="A1"
    )
    assert failed.verdict == "unqualified" and [f.code for f in failed.findings] == ["NMA001"]
    listed = score_account([_f("NMA002", "warning")], profile, account_id="A2")
    assert listed.verdict == "qualified" and listed.score is None and len(listed.warnings) == 1


def test_judge_prices_deductions_from_the_profile() -> None:
    profile = load_profile()
    page = "https://www.example.gov.cn/list.html"
    links = [
        LinkObservation(f"https://www.example.gov.cn/{i}.html", "broken", False, page)
        for i in range(24)
    ]
    links.append(
        LinkObservation(
            "https://www.example.gov.cn/h.html", "broken", True, "https://www.example.gov.cn/"
        )
    )
    site = SiteObservation(
        site_id="S1",
        home_url="https://www.example.gov.cn/",
        hosts=("www.example.gov.cn",),
        home_newest_date=POINT.date() - timedelta(days=2),
        columns=(ColumnObservation("要闻", "news", POINT.date() - timedelta(days=20), 5, True),),
        links=tuple(links),
    )
    findings = run_checks(profile, site, CheckContext(POINT))
    codes = sorted({f.code for f in findings})
    assert "LNK002" in codes and "NMA001" not in codes
    # Without a week of probes availability is undecided, and so is the verdict.
    assert score_site(findings, profile, site_id="S1").verdict == "unknown"
    decided = replace(profile, site=replace(profile.site, unknown_blocks=()))
    verdict = score_site(findings, decided, site_id="S1")
    items = {item.item_id: item for item in verdict.items}
    # 2015 sample report: 24 dead links on other pages cost 2.4 points; plus 1 on the home page.
    assert items["link_availability"].deducted == 3.4
    assert items["column_updates"].deducted == 3
    assert verdict.score == 93.6 and verdict.verdict == "qualified"
    assert any(f.code == "SIT001" and f.is_unknown for f in verdict.unknowns)


def test_judge_runs_only_the_profile_rules_for_accounts() -> None:
    account = AccountObservation(
        "A1",
        "wechat",
        "开封市科学技术局",
        (POINT - timedelta(days=3),),
        registered_national=True,
        has_interaction=True,
    )
    national = run_checks(load_profile(), account, CheckContext(POINT))
    kaifeng = run_checks(load_profile("kaifeng-2024"), account, CheckContext(POINT))
    assert national == []
    assert [f.code for f in kaifeng] == ["NMA002"]
    verdict = score_account(kaifeng, load_profile("kaifeng-2024"), account_id="A1")
    assert verdict.verdict == "qualified"


def test_golmud_lists_rhythm_problems_without_failing_the_account() -> None:
    profile = load_profile("golmud-2024")
    posts = tuple(POINT - timedelta(days=n) for n in (0, 8, 9, 10))
    account = AccountObservation("A1", "wechat", "格尔木发布", posts, True, True)
    ctx = CheckContext(POINT, period_start=POINT.date() - timedelta(days=10))
    findings = run_checks(profile, account, ctx)
    assert sorted(f.code for f in findings) == ["NMA003", "NMA004"]
    verdict = score_account(findings, profile, account_id="A1")
    assert verdict.verdict == "qualified" and len(verdict.warnings) == 2
    assert run_checks(load_profile(), account, ctx) == []
