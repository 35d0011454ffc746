"""Builders for new-media web tests: accounts, export files, this app's database snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from govwatch.engine.clock import BEIJING
from govwatch.web.newmedia.models import FetchAttempt, Post, PushToken, ReprintTask
from govwatch.web.registry.models import Account, Unit
from tests.helpers import Cell, rows_snapshot, write_workbook

EXPORT_HEADERS = ["平台", "账号名称", "发布时间", "标题", "链接", "原创/转发"]


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
    return write_workbook(path, {"发文记录": (headers, rows)})


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    return rows_snapshot(Post, FetchAttempt, PushToken, ReprintTask)
