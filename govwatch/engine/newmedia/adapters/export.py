"""Platform export files (csv and xlsx): one row per post.

Columns are found by header name, Chinese or English, in any order: 账号 (account),
平台 (platform, optional when the source names it), 发布时间 (time), 标题 (title),
正文 (text), 链接 (URL), 原创/转发 (original or repost) and an optional post id.
csv rows are streamed (``iter_export_rows``) so a million-row export is never held
as a table; a bad row is rejected with its row number and never stops the import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

import openpyxl

from govwatch.engine.newmedia.adapters.base import (
    Batch,
    Post,
    Rejected,
    Source,
    normalize_platform,
)
from govwatch.engine.newmedia.dates import parse_post_time
from govwatch.engine.tabular import TableFileError, decode_csv_bytes

Field = Literal[
    "account", "platform", "time", "title", "text", "url", "original", "post_id", "owner"
]

HEADER_ALIASES: dict[Field, tuple[str, ...]] = {
    "account": ("账号", "账号名称", "公众号名称", "微博昵称", "account", "account_name"),
    "platform": ("平台", "账号类型", "platform"),
    "time": ("发布时间", "时间", "发文时间", "发布日期", "time", "published_at", "date"),
    "title": ("标题", "文章标题", "title"),
    "text": ("正文", "内容", "摘要", "text", "content"),
    "url": ("链接", "网址", "原文链接", "url", "link"),
    "original": ("原创/转发", "原创或转发", "是否原创", "类型", "original", "type"),
    "post_id": ("文章id", "微博id", "id", "post_id"),
    # The account's certified owner as the platform shows it (optional, for NMA007).
    "owner": ("认证主体", "运营主体", "owner"),
}
_REQUIRED: tuple[Field, ...] = ("account", "time")
_ORIGINAL = {"原创": True, "是": True, "original": True, "true": True, "1": True}
_REPOST = {"转发": False, "转载": False, "否": False, "repost": False, "false": False, "0": False}


class ExportFileError(ValueError):
    """The file as a whole cannot be used (no header, missing required columns)."""


def column_map(headers: Sequence[object]) -> dict[Field, int]:
    """Column index of each known field; raises when a required one is missing."""
    found: dict[Field, int] = {}
    cleaned = [str(h or "").replace("\ufeff", "").strip().lower() for h in headers]
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias.lower() in cleaned:
                found[name] = cleaned.index(alias.lower())
                break
    missing = [f for f in _REQUIRED if f not in found]
    if missing:
        wanted = "、".join(HEADER_ALIASES[f][0] for f in missing)
        raise ExportFileError(f"导出文件缺少必需的列：{wanted}")
    return found


def _original(value: str) -> bool | None:
    key = value.strip().lower()
    if key in _ORIGINAL:
        return True
    if key in _REPOST:
        return False
    return None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else str(value).strip()


_FIELDS: tuple[Field, ...] = ("account", "platform", "title", "text", "url", "original", "post_id")


def _row_post(
    row: Sequence[object],
    columns: Mapping[Field, int],
    source: Source,
    account_ids: Mapping[str, str] | None,
) -> Post | str:
    """A post, or the Chinese reason the row was rejected."""
    width = len(row)
    names = [name for name in _FIELDS if name in columns]
    if width > max(columns.values()):
        raw = [row[columns[name]] for name in names]
        try:
            # csv cells are all str: one C-level map instead of a helper call per cell.
            texts = list(map(str.strip, raw))  # type: ignore[arg-type]
        except TypeError:
            texts = [_text(value) for value in raw]
    else:
        texts = [_text(row[columns[n]]) if columns[n] < width else "" for n in names]
    cells = dict.fromkeys(_FIELDS, "")
    cells.update(zip(names, texts, strict=True))
    account = cells["account"]
    if not account:
        return "账号为空"
    if account_ids is not None:
        if account not in account_ids:
            return f"账号未登记：{account}"
        account = account_ids[account]
    platform = normalize_platform(cells["platform"]) if cells["platform"] else None
    if platform is None and cells["platform"]:
        return f"平台无法识别：{cells['platform']!r}"
    platform = platform or source.platform
    if platform is None:
        return "平台无法识别：''"
    index = columns["time"]
    raw_time = row[index] if index < width else None
    published = parse_post_time(raw_time)
    if published is None:
        return f"发布时间无法识别：{str(raw_time or '')[:40]!r}"
    return Post(
        account_id=account,
        platform=platform,
        published_at=published,
        title=cells["title"],
        text=cells["text"],
        url=cells["url"],
        post_id=cells["post_id"],
        is_original=_original(cells["original"]),
        source_id=source.source_id,
    )


def iter_export_rows(
    rows: Iterable[Sequence[object]],
    source: Source,
    account_ids: Mapping[str, str] | None = None,
) -> Iterator[Post | Rejected]:
    """Posts (or rejections) of a table given as rows; the first non-blank row is the header."""
    columns: dict[Field, int] | None = None
    for number, row in enumerate(rows, start=1):
        if not any(c not in (None, "") for c in row):
            continue
        if columns is None:
            columns = column_map(row)
            continue
        made = _row_post(row, columns, source, account_ids)
        yield made if isinstance(made, Post) else Rejected(f"第{number}行", made)
    if columns is None:
        raise ExportFileError("导出文件为空，没有表头")


def iter_csv_text(text: Iterable[str]) -> Iterator[list[str]]:
    """csv rows from decoded lines (a file opened with newline="" or a StringIO)."""
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise ExportFileError(f"csv 格式错误：{exc}") from exc


def parse_export(
    data: bytes,
    source: Source,
    filename: str = "",
    account_ids: Mapping[str, str] | None = None,
) -> Batch:
    """Posts of an export file; xlsx is recognised by its zip signature, else csv."""
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        produced = list(iter_export_rows(_xlsx_rows(data), source, account_ids))
    else:
        try:
            text = decode_csv_bytes(data)
        except TableFileError as exc:
            raise ExportFileError(str(exc)) from exc
        stream = io.StringIO(text, newline="")
        produced = list(iter_export_rows(iter_csv_text(stream), source, account_ids))
    return Batch(
        posts=tuple(p for p in produced if isinstance(p, Post)),
        rejected=tuple(p for p in produced if isinstance(p, Rejected)),
    )


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken zip/xml
        raise ExportFileError("不是有效的 xlsx 文件") from exc
    try:
        # Exports put posts on the first sheet; later sheets are summaries.
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


class ExportAdapter:
    kind = "export"

    def parse(self, data: bytes, source: Source) -> Batch:
        return parse_export(data, source)
