"""Builders for statistics tests: the seed tables imported, seed copies, snapshots."""

from __future__ import annotations

from pathlib import Path

from govwatch.web.statistics.models import (
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)
from tests.helpers import read_seed, rows_snapshot, write_csv

GOLMUD = "格尔木市人民政府"
KAIFENG = "开封市人民政府"

# (fixture, kind, period, scope): every seed table the statistics app imports.
SEED_IMPORTS = [
    ("000_a1_office_system_usage.csv", "office_documents", "2024Q2", GOLMUD),
    ("000_a2_website_columns.csv", "website_columns", "2024Q2", GOLMUD),
    ("000_a3_mayor_mailbox.csv", "letters", "2024Q2", GOLMUD),
    ("000_a5_app_columns.csv", "app_columns", "2024Q2", GOLMUD),
    ("003_a4_portal_submissions.csv", "portal_submissions", "2023-11-27~2024-02-25", KAIFENG),
    ("002_submission_adoption.csv", "submissions", "2024-05~2024-06", GOLMUD),
    ("002_topics_jul_aug.csv", "commissioned_articles", "2024-07~2024-08", GOLMUD),
    ("001_s2_proactive_disclosure.csv", "disclosure_s2", "2024", GOLMUD),
    ("001_s3_applications.csv", "disclosure_s3", "2024", GOLMUD),
    ("001_s4_review_litigation.csv", "disclosure_s4", "2024", GOLMUD),
]


def copy_seed(name: str, path: Path, change: dict[tuple[int, str], str] | None = None) -> Path:
    """A seed file with some cells changed: {(index of data row, column): new text}."""
    rows = read_seed(name)
    for (index, column), value in (change or {}).items():
        rows[index][column] = value
    headers = list(rows[0])
    return write_csv(path, headers, [[row[h] for h in headers] for row in rows])


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    return rows_snapshot(
        StatisticsBatch, StatisticsRow, QuotaClass, QuotaAssignment, VerdictOverride
    )
