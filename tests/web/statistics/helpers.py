"""Builders for statistics tests: the demo registry, the seed fixtures and snapshots."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govwatch.web.registry.services import registry_import
from govwatch.web.statistics.models import (
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "demo" / "registry"
SEEDS = REPO.parent / "shared" / "fixtures" / "seeds"

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


def seed_path(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}（需要 shared/ 与仓库并列）")
    return path


def read_seed(name: str) -> list[dict[str, str]]:
    with seed_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(seed_path("expected.json").read_text(encoding="utf-8"))
    return data


def expected() -> dict[str, Any]:
    return _expected()


def stated(check_id: str) -> Any:
    """The figure a seed states for one check of expected.json (never its verdict)."""
    for document in expected()["documents"].values():
        for check in document["checks"]:
            if check["id"] == check_id:
                return check["stated"]["value"]
    raise KeyError(check_id)


def load_demo_registry() -> None:
    for name in ("units.csv", "sites.csv", "columns.csv", "accounts.csv"):
        registry_import(DEMO / name)


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def copy_seed(name: str, path: Path, change: dict[tuple[int, str], str] | None = None) -> Path:
    """A seed file with some cells changed: {(index of data row, column): new text}."""
    rows = read_seed(name)
    for (index, column), value in (change or {}).items():
        rows[index][column] = value
    headers = list(rows[0])
    return write_csv(path, headers, [[row[h] for h in headers] for row in rows])


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every statistics row as plain values: equal snapshots mean an unchanged database."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
        for model in (StatisticsBatch, StatisticsRow, QuotaClass, QuotaAssignment, VerdictOverride)
    }
