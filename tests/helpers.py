"""What the test areas share: the seed fixtures (shared/ sits beside the repo), files written
the way offices write them, the demo registry and database snapshots."""

from __future__ import annotations

import csv
import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "demo" / "registry"
SEEDS = REPO.parent / "shared" / "fixtures" / "seeds"

Cell = str | int | dt.datetime | None


def seed_path(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}（需要 shared/ 与仓库并列）")
    return path


def read_seed(name: str) -> list[dict[str, str]]:
    with seed_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(seed_path("expected.json").read_text(encoding="utf-8"))
    return data


def stated(check_id: str) -> Any:
    """The figure a seed states for one check of expected.json (never its verdict)."""
    for document in expected()["documents"].values():
        for check in document["checks"]:
            if check["id"] == check_id:
                return check["stated"]["value"]
    raise KeyError(check_id)


def write_csv(
    path: Path, headers: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_workbook(path: Path, sheets: dict[str, tuple[list[str], list[list[Cell]]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def load_demo_registry() -> None:
    from govwatch.web.registry.services import registry_import  # web tests only

    for name in ("units.csv", "sites.csv", "columns.csv", "accounts.csv"):
        registry_import(DEMO / name)


def rows_snapshot(*models: Any) -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every row of ``models`` as plain values: equal snapshots mean an unchanged database."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
        for model in models
    }
