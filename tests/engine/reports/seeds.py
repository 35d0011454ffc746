"""Seed fixtures (shared/ sits beside the repo) read as raw rows and validated as records."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govwatch.engine.reports.records import Record, RecordSchema, validate_dicts

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "seeds"


def raw_rows(name: str) -> list[dict[str, str]]:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}（需要 shared/ 与仓库并列）")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def records(name: str, schema: RecordSchema) -> list[Record]:
    result = validate_dicts(schema, raw_rows(name))
    assert result.ok, [str(e) for e in result.errors]
    return list(result.records)


@cache
def _expected() -> dict[str, Any]:
    path = SEEDS / "expected.json"
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
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
