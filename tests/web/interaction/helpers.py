"""Builders for interaction tests: the demo registry, seed rows and office-style files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from govwatch.web.interaction.models import CitizenMessage, ConsultationTest
from govwatch.web.registry.services import registry_import

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "demo" / "registry"
SEEDS = REPO.parent / "shared" / "fixtures" / "seeds"

MESSAGE_HEADERS = ["信件编号", "信箱", "承办单位", "受理时间", "答复时间", "办理状态"]
TEST_HEADERS = [
    "测试编号", "网站标识码", "网站名称", "平台", "账号名称", "渠道", "咨询问题", "发送时间",
    "发送成功", "未成功原因", "答复时间", "答复内容", "答复质量",
]  # fmt: skip

Cell = str | dt.datetime | None


def load_demo_registry() -> None:
    for name in ("units.csv", "sites.csv", "columns.csv", "accounts.csv"):
        registry_import(DEMO / name)


def read_seed(name: str) -> list[dict[str, str]]:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"共享种子数据不存在：{path}（需要 shared/ 与仓库并列）")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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


def write_csv(
    path: Path, headers: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every interaction row as plain values: equal snapshots mean an unchanged database."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
        for model in (CitizenMessage, ConsultationTest)
    }
