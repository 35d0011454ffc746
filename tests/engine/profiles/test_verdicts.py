"""The three verdicts: what leaves a target 无法判定, and what decides it anyway."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from govwatch.engine.findings import Finding, Severity
from govwatch.engine.profiles import ProfileError, load_profile
from govwatch.engine.profiles.scoring import score_account, score_site

FEW_PROBES = "监测次数不足（3次），无法判定首页可用性"
FEED_FAILED = "微信公众号「示范卫健」发布记录获取失败，更新情况未知"


def _f(code: str, severity: Severity, message: str = "问题", **evidence: Any) -> Finding:
    return Finding(code, "slug", "home_page", "x", severity, message, evidence, 0.0)


def _unknown(code: str, message: str) -> Finding:
    return _f(code, "info", message, state="unknown")


# (case, subject, findings, keyword arguments, verdict, a piece of the reason)
CASES: list[tuple[str, str, list[Finding], dict[str, Any], str, str]] = [
    ("no scan in the period", "site", [], {"observed": False}, "unknown", "没有该网站的扫描数据"),
    ("no source, no posts", "account", [], {"observed": False}, "unknown", "没有该账号的发文数据"),
    ("home page never fetched", "site", [], {"home_fetched": False, "home_error": "连接超时"},
     "unknown", "首页无法访问（连接超时），本期无法判定"),
    ("home page, cause unknown", "site", [], {"home_fetched": False}, "unknown", "（原因不明）"),
    ("too few probes", "site", [_unknown("SIT001", FEW_PROBES)], {}, "unknown",
     f"{FEW_PROBES}，本期无法判定"),
    ("feed failed", "account", [_unknown("NMA001", FEED_FAILED)], {}, "unknown", FEED_FAILED),
    ("veto beats too few probes", "site", [_f("SIT002", "veto"), _unknown("SIT001", FEW_PROBES)],
     {}, "unqualified", "单项否决：无有效咨询建言渠道"),
    ("veto beats an unfetched home", "site", [_f("TXT001", "veto")], {"home_fetched": False},
     "unqualified", "单项否决"),
    ("veto beats a failed feed", "account", [_f("NMA005", "veto"), _unknown("NMA001", FEED_FAILED)],
     {}, "unqualified", "单项否决"),
    ("all decided", "site", [_f("SIT003", "warning")], {}, "qualified", "未触发单项否决"),
    ("an unknown that decides nothing", "site", [_unknown("UPD002", "栏目无法获取")], {},
     "qualified", "未触发单项否决"),
    ("account all decided", "account", [_f("NMA006", "warning")], {}, "qualified", "未触发单项否决"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "subject", "findings", "kwargs", "verdict", "reason"), CASES)
def test_verdicts(
    case: str,
    subject: str,
    findings: list[Finding],
    kwargs: dict[str, Any],
    verdict: str,
    reason: str,
) -> None:
    profile = load_profile()
    if subject == "site":
        got = score_site(findings, profile, site_id="S1", site_class="department_site", **kwargs)
    else:
        got = score_account(findings, profile, account_id="A1", **kwargs)
    assert got.verdict == verdict and reason in got.reason_zh, case
    if verdict == "unknown":
        assert got.score is None and got.verdict_zh == "无法判定"
        assert got.findings == tuple(f for f in findings if f.code in ("SIT001", "NMA001"))


def test_a_failing_score_is_decided_whatever_is_unknown() -> None:
    base = load_profile()
    profile = replace(base, items={k: replace(v, points=100.0) for k, v in base.items.items()})
    findings = [_f("LNK001", "deduction", points=0), _unknown("SIT001", FEW_PROBES)]
    findings[0] = replace(findings[0], points=50.0)
    failing = score_site(findings, profile, site_id="S1")
    assert failing.verdict == "unqualified" and failing.score == 50
    passing = score_site([replace(findings[0], points=10.0), findings[1]], profile, site_id="S1")
    assert passing.verdict == "unknown" and passing.score is None


def test_the_profile_chooses_what_blocks(tmp_path: Path) -> None:
    overlay = tmp_path / "lenient.yaml"
    overlay.write_text(
        "profile: lenient\ntitle_zh: 宽松\nextends: cn-national-2019\n"
        "scoring:\n  site: {unknown_blocks: []}\n",
        encoding="utf-8",
    )
    lenient = load_profile(overlay)
    assert lenient.site.unknown_blocks == () and lenient.account.unknown_blocks == ("NMA001",)
    verdict = score_site([_unknown("SIT001", FEW_PROBES)], lenient, site_id="S1")
    assert verdict.verdict == "qualified" and len(verdict.unknowns) == 1
    overlay.write_text(overlay.read_text().replace("[]", "[SIT999]"), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"scoring\.site\.unknown_blocks"):
        load_profile(overlay)
