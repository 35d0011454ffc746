"""Every indicator against its table of cases (tests/engine/checks/cases/<CODE>/*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from govwatch.engine.checks import registry
from govwatch.engine.findings import Finding
from tests.engine.checks import casebuild

CASES_DIR = Path(__file__).resolve().parent / "cases"


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*/*.yaml")):
        code = path.parent.name
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(code, case, id=f"{code}-{case['name']}"))
    return params


def _matches(finding: Finding, expected: dict[str, Any], code: str) -> list[str]:
    problems = []
    if finding.code != expected.get("code", code):
        problems.append(f"code {finding.code}")
    for key in ("severity", "target_id", "target_kind"):
        if key in expected and getattr(finding, key) != expected[key]:
            problems.append(f"{key} {getattr(finding, key)!r} != {expected[key]!r}")
    if "message_contains" in expected and expected["message_contains"] not in finding.message_zh:
        problems.append(f"message {finding.message_zh!r}")
    for key, value in expected.get("evidence", {}).items():
        if finding.evidence.get(key, "<missing>") != value:
            problems.append(f"evidence[{key}] {finding.evidence.get(key, '<missing>')!r}")
    return problems


@pytest.mark.parametrize(("code", "case"), _load())
def test_indicator_case(code: str, case: dict[str, Any]) -> None:
    indicator = registry.get(code)
    ctx = casebuild.context(case)
    if "site" in case:
        observation: Any = casebuild.site(case["site"], ctx)
    else:
        observation = casebuild.account(case["account"], ctx)
    params = casebuild.params(indicator.default_params(), case.get("params"))
    findings = indicator.run(observation, ctx, params, case.get("level", "veto"))
    expected = case.get("expect") or []
    assert len(findings) == len(expected), [f.message_zh for f in findings]
    for finding, wanted in zip(findings, expected, strict=True):
        assert not _matches(finding, wanted, code), (finding, wanted)
        assert finding.slug == indicator.slug
