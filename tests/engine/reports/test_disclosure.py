"""Annual disclosure report (seed 001): tables as data and the cross-total rules."""

from __future__ import annotations

from govwatch.engine.reports import disclosure
from govwatch.engine.reports.consistency import check_all
from tests.helpers import read_seed, stated

from .seeds import records

S2, S3, S4 = (
    "001_s2_proactive_disclosure.csv",
    "001_s3_applications.csv",
    "001_s4_review_litigation.csv",
)


def test_tables_reproduce_seed_rows() -> None:
    s3 = disclosure.applications_table(records(S3, disclosure.APPLICATIONS))
    keys = (
        "section_zh",
        "group_zh",
        "item_zh",
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    )
    assert [[str(c) for c in r.cells] for r in s3.rows] == [
        [row[k] for k in keys] for row in read_seed(S3)
    ]
    s4 = disclosure.review_litigation_table(records(S4, disclosure.REVIEW_LITIGATION))
    assert [r.cells[1:] for r in s4.rows] == [(6, 0, 4, 1, 11), (1, 0, 0, 0, 1), (0, 1, 0, 0, 1)]
    assert s4.rows[1].cells[0] == "行政诉讼/未经复议直接起诉"
    s2 = disclosure.proactive_table(records(S2, disclosure.PROACTIVE))
    assert len(s2.rows) == len(read_seed(S2))


def test_seed_tables_satisfy_every_cross_total_rule() -> None:
    assert disclosure.check_applications(records(S3, disclosure.APPLICATIONS)) == []
    assert disclosure.check_review_litigation(records(S4, disclosure.REVIEW_LITIGATION)) == []


def test_broken_cross_totals_are_reported_with_both_numbers() -> None:
    rows = [dict(r) for r in records(S3, disclosure.APPLICATIONS)]
    for row in rows:
        if row["item_code"] == "4":
            row["natural_person"] = 3  # carried over 3 instead of 1; total column left at 1
    found = disclosure.check_applications(rows)
    refs = sorted(f.ref for f in found)
    assert refs == ["disclosure.s3.cross_total.natural_person", "disclosure.s3.row_total"]
    cross = next(f for f in found if "cross_total" in f.ref)
    assert (cross.stated, cross.computed) == (30, 32)
    s4 = [dict(r) for r in records(S4, disclosure.REVIEW_LITIGATION)]
    s4[0]["pending"] = 0
    [bad] = disclosure.check_review_litigation(s4)
    assert (bad.stated, bad.computed) == (11, 10)


def test_narrative_against_tables() -> None:
    data = {
        "applications": records(S3, disclosure.APPLICATIONS),
        "review_litigation": records(S4, disclosure.REVIEW_LITIGATION),
        "proactive": records(S2, disclosure.PROACTIVE),
    }
    narrative = disclosure.DisclosureNarrative(
        applications_received=stated("001.body.applications_received"),
        applications_concluded=stated("001.body.applications_closed"),
        applications_carried_over=stated("001.body.applications_carried_over"),
        review_cases=stated("001.body.review_cases"),
        reviews_pending=0,  # "已全部审结"
        litigation_cases=stated("001.body.litigation_cases"),
        litigation_pending=0,
        normative_documents_issued=stated("001.body.normative_documents"),
    )
    found = check_all(data, disclosure.narrative_statements(narrative))
    assert {f.ref: (f.stated, f.computed) for f in found} == {
        "disclosure.review_cases": (5, 11),
        "disclosure.reviews_pending": (0, 1),
        "disclosure.litigation_cases": (3, 2),
    }
