"""Builders for new-media web tests: accounts, export files, database snapshots."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

from govwatch.engine.clock import BEIJING
from govwatch.web.newmedia.models import FetchAttempt, Post, PushToken, ReprintTask
from govwatch.web.registry.models import Account, Unit
from govwatch.web.registry.services import registry_import

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "demo" / "registry"
SEEDS = REPO.parent / "shared" / "fixtures" / "seeds"
EXPORT_HEADERS = ["平台", "账号名称", "发布时间", "标题", "链接", "原创/转发"]

Cell = str | dt.datetime | None


def load_demo_registry() -> None:
    for name in ("units.csv", "sites.csv", "columns.csv", "accounts.csv"):
        registry_import(DEMO / name)


def unit(name: str = "开封市人民政府办公室") -> Unit:
    found, _ = Unit.objects.get_or_create(
        name=name, defaults={"level": "prefecture", "kind": "department"}
    )
    return found


def account(name: str, platform: str = "wechat_official_account", **fields: object) -> Account:
    return Account.objects.create(
        platform=platform,
        name=name,
        opening_unit=fields.pop("opening_unit", None) or unit(),
        status="running",
        **fields,
    )


def beijing(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def write_xlsx(path: Path, headers: list[str], rows: list[list[Cell]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "发文记录"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    """Every row of this app as plain values: equal snapshots mean an unchanged database."""
    return {
        model.__name__: sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
        for model in (Post, FetchAttempt, PushToken, ReprintTask)
    }
