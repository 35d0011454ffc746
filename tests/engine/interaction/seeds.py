"""Locate the shared seed fixtures (they sit beside the repo) and read their CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}（需要 shared/ 与仓库并列）")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
