"""Pass-rate helpers print every percentage the seed bulletins print."""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govwatch.engine.profiles.loader import load_profile
from govwatch.engine.profiles.model import RateFormat
from govwatch.engine.profiles.rates import format_percent, format_rate, pass_rates, percent

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "seeds"
needs_seeds = pytest.mark.skipif(
    not (SEEDS / "expected.json").exists(), reason=f"shared seed fixtures not found at {SEEDS}"
)
# The profile of each seed bulletin; a check id containing a key uses that rate kind.
SEED_PROFILES = {"003": "kaifeng-2024", "004": "shaanxi-2024"}
RATE_KINDS = {"pass_rate": "pass_rate"}
PERCENT_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def _selected(expr: dict[str, Any], file_key: str) -> list[dict[str, str]]:
    def ok(row: dict[str, str]) -> bool:
        for column, cond in (expr.get("where") or {}).items():
            allowed = [str(c) for c in cond] if isinstance(cond, list) else [str(cond)]
            if row[column] not in allowed:
                return False
        return True

    return [row for row in _rows(expr[file_key]) if ok(row)]


def _eval(expr: dict[str, Any]) -> int:
    """The integer subset of the expected.json expression language used by percents."""
    if "const" in expr:
        return int(expr["const"])
    if "count" in expr:
        return len(_selected(expr, "count"))
    if "sum" in expr:
        return sum(int(row[expr["sum"]]) for row in _selected(expr, "file"))
    if "sub" in expr:
        a, b = expr["sub"]
        return _eval(a) - _eval(b)
    if "add" in expr:
        return sum(_eval(e) for e in expr["add"])
    raise AssertionError(f"unsupported expression {expr}")


def _percent_checks() -> list[Any]:
    if not (SEEDS / "expected.json").exists():
        return [pytest.param(None, id="no-seeds", marks=needs_seeds)]
    data = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    return [
        pytest.param(check, id=check["id"])
        for doc in data["documents"].values()
        for check in doc.get("checks", [])
        if check["kind"] == "percent"
    ]


def _stated_percent(text: str) -> str:
    match = PERCENT_TEXT.search(text)
    assert match, text
    return f"{match.group(1)}%"


@needs_seeds
@pytest.mark.parametrize("check", _percent_checks())
def test_seed_percentages_are_reproduced(check: dict[str, Any]) -> None:
    seed = check["id"].split(".")[0]
    profile = load_profile(SEED_PROFILES[seed])
    kind = next((k for key, k in RATE_KINDS.items() if key in check["id"]), "default")
    rounding = profile.rate_format(kind).rounding
    numerator, denominator = (_eval(e) for e in check["expr"]["pct"])
    printed = format_percent(
        numerator, denominator, decimals=check["stated"]["decimals"], rounding=rounding
    )
    stated = _stated_percent(check["stated"]["text"])
    if check["reconciles"] or (rounding == "truncate" and check["reconciles_if_truncated"]):
        assert printed == stated
    else:
        # A figure the rows do not support must come out different, so it gets flagged.
        assert printed != stated


@needs_seeds
def test_every_seed_percentage_is_covered() -> None:
    checks = [p.values[0] for p in _percent_checks()]
    assert {c["id"] for c in checks} >= {
        "003.body.new_media_pass_rate",
        "004.body.new_media_pass_rate",
        "004.a3.weinan_rate",
    }


@needs_seeds
def test_shaanxi_completion_rates_per_row() -> None:
    fmt = load_profile("shaanxi-2024").rate_format("completion_rate")
    for row in _rows("004_a3_ticket_completion.csv"):
        printed = format_rate(int(row["tickets_closed"]), int(row["tickets_total"]), fmt)
        assert printed == f"{row['rectification_rate_pct_stated']}%", row["region_or_unit"]


def test_truncation_and_rounding_differ_where_the_seeds_differ() -> None:
    assert format_percent(291, 294, decimals=1, rounding="truncate") == "98.9%"
    assert format_percent(291, 294, decimals=1, rounding="half_up") == "99.0%"
    assert format_percent(1517, 1521, decimals=2, rounding="half_up") == "99.74%"
    assert format_percent(1517, 1521, decimals=2, rounding="truncate") == "99.73%"
    assert format_percent(552, 552, decimals=0, rounding="half_up") == "100%"
    assert format_percent(1, 8, decimals=1, rounding="half_up") == "12.5%"
    assert format_percent(1, 16, decimals=2, rounding="half_up") == "6.25%"
    assert format_percent(1, 16, decimals=1, rounding="half_up") == "6.3%"  # half up, not even


def test_percent_rejects_impossible_ratios() -> None:
    with pytest.raises(ValueError):
        percent(1, 0, decimals=1, rounding="half_up")
    with pytest.raises(ValueError):
        percent(5, 4, decimals=1, rounding="half_up")


def test_pass_rates_per_region_and_kind_with_totals() -> None:
    records = (
        [("开封市", "gov_new_media_account", True)] * 291
        + [("开封市", "gov_new_media_account", False)] * 3
        + [("开封市", "gov_website", True)] * 43
        + [("兰考县", "gov_website", True), ("兰考县", "gov_website", False)]
    )
    rows = pass_rates(records, RateFormat(decimals=1, rounding="truncate"))
    table = [(r.region, r.kind, r.checked, r.qualified, r.rate_zh) for r in rows]
    assert table == [
        ("兰考县", "gov_website", 2, 1, "50.0%"),
        ("开封市", "gov_new_media_account", 294, 291, "98.9%"),
        ("开封市", "gov_website", 43, 43, "100.0%"),
        ("合计", "gov_new_media_account", 294, 291, "98.9%"),
        ("合计", "gov_website", 45, 44, "97.7%"),
    ]
