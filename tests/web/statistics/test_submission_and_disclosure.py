"""Seed 002 scoring with quota classes and overrides from the database; seed 001 cross-totals."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from govwatch.web.registry.services import unit_resolve
from govwatch.web.statistics.models import QuotaAssignment, QuotaClass, VerdictOverride
from govwatch.web.statistics.services import (
    disclosure_check,
    statistics_import,
    statistics_table,
    submission_scores,
)
from tests.helpers import expected, load_demo_registry, read_seed, seed_path, stated
from tests.web.statistics import helpers as H

pytestmark = pytest.mark.django_db

SUBMISSIONS = "002_submission_adoption.csv"
PERIOD = "2024-05~2024-06"
# The five verdicts fixtures/seeds/README.md says the quota rule does not reproduce.
OVERRIDES = {
    "市民政局": True,
    "市自然资源局": False,
    "市林业和草原局": False,
    "市生态环境局": False,
    "国家税务总局格尔木市税务局": False,
}


@pytest.fixture
def scored() -> None:
    """Demo registry, the 002 table, and the quota classes A/B/C of the seed as admin data."""
    load_demo_registry()
    statistics_import(seed_path(SUBMISSIONS), "submissions", period=PERIOD, scope=H.GOLMUD)
    for rule in expected()["documents"]["002"]["rules"]:
        if rule["type"] != "quota":
            continue
        quota = QuotaClass.objects.create(
            name=rule["id"].rsplit("_", 1)[1],
            min_submissions_per_month=rule["min_submissions_per_month"],
            min_adoptions_per_month=rule["min_adoptions_per_month"],
        )
        for name in rule["units_in_table"]:
            QuotaAssignment.objects.create(unit=unit_resolve(name, H.GOLMUD), quota_class=quota)


def _override_all() -> None:
    for name, qualified in OVERRIDES.items():
        VerdictOverride.objects.create(
            unit=unit_resolve(name, H.GOLMUD),
            period=PERIOD,
            qualified=qualified,
            reason="按市政府办公室审定结论",
        )


def test_points_equal_the_seed_for_all_34_units(scored: None) -> None:
    scores = {s.unit: s for s in submission_scores(PERIOD)}
    rows = read_seed(SUBMISSIONS)
    assert len(scores) == len(rows) == 34
    for row in rows:
        score = scores[row["unit"]]
        assert score.points["period"] == int(row["points_period"]), row["unit"]
        assert score.points["cumulative"] == int(row["points_cumulative"]), row["unit"]


def test_rule_alone_misses_exactly_the_five_and_overrides_restore_the_seed(scored: None) -> None:
    rows = read_seed(SUBMISSIONS)
    before = {s.unit: s.qualified for s in submission_scores(PERIOD)}
    differ = {r["unit"] for r in rows if before[r["unit"]] != (r["qualified"] == "yes")}
    assert differ == set(OVERRIDES)
    _override_all()
    after = {s.unit: s for s in submission_scores(PERIOD)}
    assert {u: s.qualified for u, s in after.items()} == {
        r["unit"]: r["qualified"] == "yes" for r in rows
    }
    civil = after["市民政局"]
    assert civil.rule_qualified is False and "采用0条" in civil.rule_reason_zh
    assert civil.override is not None and civil.override.reason_zh == "按市政府办公室审定结论"
    assert after["市审计局"].quota_class is None  # no class: 未设定报送任务, counted 合格


def test_submission_table_from_the_database_equals_the_seed(scored: None) -> None:
    _override_all()
    table = statistics_table("submissions", PERIOD)
    rows = read_seed(SUBMISSIONS)
    columns = [k for k in rows[0] if k not in ("seq", "unit", "qualified", "qualified_zh")]
    want = [[r["seq"], r["unit"], *(r[k] for k in columns), r["qualified_zh"]] for r in rows]
    assert [[str(c) for c in row.cells] for row in table.data_rows()] == want
    for offset, key in enumerate(columns, start=2):
        assert table.total_row().cells[offset] == stated(f"002.total.{key}"), key  # type: ignore[union-attr]


def test_override_needs_a_reason(scored: None) -> None:
    override = VerdictOverride(
        unit=unit_resolve("市民政局", H.GOLMUD), period=PERIOD, qualified=True, reason="  "
    )
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    assert "理由" in str(caught.value)


def _import_disclosure(s3: Path | None = None) -> None:
    for name, kind in (
        ("001_s2_proactive_disclosure.csv", "disclosure_s2"),
        ("001_s3_applications.csv", "disclosure_s3"),
        ("001_s4_review_litigation.csv", "disclosure_s4"),
    ):
        path = s3 if (s3 is not None and kind == "disclosure_s3") else seed_path(name)
        statistics_import(path, kind, period="2024")


def test_disclosure_cross_totals_pass_on_the_seed() -> None:
    _import_disclosure()
    assert disclosure_check("2024") == []


def test_disclosure_cross_totals_fail_naming_both_numbers(tmp_path: Path) -> None:
    rows = read_seed("001_s3_applications.csv")
    at = next(i for i, r in enumerate(rows) if r["item_code"] == "4")
    # Carried over 3 instead of 1 for natural persons; the row's total column left at 1.
    broken = H.copy_seed(
        "001_s3_applications.csv", tmp_path / "s3.csv", {(at, "natural_person"): "3"}
    )
    _import_disclosure(broken)
    found = disclosure_check("2024")
    assert sorted(f.ref for f in found) == [
        "disclosure.s3.cross_total.natural_person",
        "disclosure.s3.row_total",
    ]
    cross = next(f for f in found if "cross_total" in f.ref)
    assert (cross.stated, cross.computed) == (30, 32)
    assert "30" in cross.message_zh and "32" in cross.message_zh


def test_narrative_figures_against_the_tables() -> None:
    from govwatch.engine.reports.disclosure import DisclosureNarrative

    _import_disclosure()
    narrative = DisclosureNarrative(
        applications_received=stated("001.body.applications_received"),
        review_cases=stated("001.body.review_cases"),
        litigation_cases=stated("001.body.litigation_cases"),
        normative_documents_issued=stated("001.body.normative_documents"),
    )
    found = disclosure_check("2024", narrative)
    assert {f.ref: (f.stated, f.computed) for f in found} == {
        "disclosure.review_cases": (5, 11),
        "disclosure.litigation_cases": (3, 2),
    }
