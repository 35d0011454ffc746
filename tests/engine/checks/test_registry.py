"""The registry proves itself complete (codes, modules, docstrings, cases)."""

from __future__ import annotations

import pkgutil
import re
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

import govwatch.engine.checks as checks_pkg
from govwatch.engine.checks import registry
from govwatch.engine.checks.base import CODE_PATTERN, DOC_SECTIONS, SLUG_PATTERN
from govwatch.engine.findings import TARGET_KINDS

CASES_DIR = Path(__file__).resolve().parent / "cases"
FAMILIES = ("accounts", "links", "site", "text", "updates", "interaction")
MODULE_NAME = re.compile(r"^([a-z]{3}\d{3})_[a-z0-9_]+$")


def _indicator_modules() -> dict[str, str]:
    """code -> dotted module for every module named like an indicator."""
    found: dict[str, str] = {}
    base = Path(checks_pkg.__file__).parent
    for family in FAMILIES:
        for info in pkgutil.iter_modules([str(base / family)]):
            match = MODULE_NAME.match(info.name)
            if match:
                found[match.group(1).upper()] = f"govwatch.engine.checks.{family}.{info.name}"
    return found


def test_registry_is_sorted_unique_and_well_formed() -> None:
    codes = [code for code, _ in registry.REGISTRY]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(CODE_PATTERN.match(code) for code in codes)


def test_every_indicator_module_is_registered_under_its_own_code() -> None:
    assert _indicator_modules() == dict(registry.REGISTRY)


def test_interaction_family_lives_in_its_package() -> None:
    interaction = [path for code, path in registry.REGISTRY if code.startswith("INT")]
    assert interaction and all(".interaction." in path for path in interaction)


def test_unknown_code_raises() -> None:
    with pytest.raises(registry.UnknownIndicatorError):
        registry.get("XXX999")


@pytest.mark.parametrize("code", registry.CODES)
def test_indicator_record_matches_its_registry_line(code: str) -> None:
    indicator = registry.get(code)
    assert indicator.code == code
    assert SLUG_PATTERN.match(indicator.slug)
    assert indicator.title_zh
    assert indicator.subjects and set(indicator.subjects) <= {"site", "account"}
    assert indicator.targets and set(indicator.targets) <= set(TARGET_KINDS)
    assert is_dataclass(indicator.params_type)
    params = indicator.default_params()
    assert all(f.default is not None or f.default_factory is not None for f in fields(params))


@pytest.mark.parametrize("code", registry.CODES)
def test_docstring_has_every_section_in_order(code: str) -> None:
    doc = registry.get(code).doc
    assert doc.startswith(f"{code} {registry.get(code).slug} — ")
    positions = [doc.find(f"\n## {section}\n") for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    sections = re.split(r"\n## [^\n]+\n", doc)[1:]
    assert all(body.strip() for body in sections)


@pytest.mark.parametrize("code", registry.CODES)
def test_every_code_has_cases_that_expect_findings(code: str) -> None:
    files = sorted((CASES_DIR / code).glob("*.yaml"))
    assert files, f"cases/{code}/ is missing"
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    assert "severity:" in text


def test_no_case_folder_without_a_registered_code() -> None:
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders == set(registry.CODES)
