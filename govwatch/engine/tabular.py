"""Reading and writing the tables offices exchange: .xlsx workbooks and .csv files.

Offices send csv files saved by Excel on Chinese Windows, which are GBK (or GB18030)
without any marker, so decoding tries UTF-8 first (strictly) and falls back to GB18030,
a superset of GBK and GB2312. Every row keeps its spreadsheet row number (the header
is row 1) so that errors can name it.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

from govwatch.engine.cellsafety import csv_row, csv_unescaped_rows, xlsx_row


class TableFileError(Exception):
    """The file as a whole cannot be read: wrong type, empty, undecodable."""


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    # (row number in the file, cells by header); blank rows are dropped.
    rows: tuple[tuple[int, dict[str, str]], ...]


def cell_text(value: object) -> str:
    if isinstance(value, str):  # nearly every cell: checked first, a million times per export
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _build_sheet(name: str, raw_rows: Iterable[Sequence[object]]) -> Sheet | None:
    """Turn raw rows into a Sheet; None when the sheet has no header at all."""
    headers: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        cells = [cell_text(value) for value in raw]
        if headers is None:
            if not any(cells):
                continue
            # A header cell may carry a stray BOM or spaces from hand editing.
            headers = [cell.replace("\ufeff", "").strip() for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            header_row = number
            continue
        if not any(cells):
            continue
        row = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
        rows.append((number, row))
    if headers is None:
        return None
    del header_row
    return Sheet(name=name, headers=tuple(headers), rows=tuple(rows))


def dict_sheet(name: str, rows: Sequence[Mapping[str, str]]) -> Sheet:
    """A sheet of csv.DictReader-style rows: the data rows are lines 2, 3, … of the file."""
    headers = tuple(dict.fromkeys(key for row in rows for key in row))
    return Sheet(name, headers, tuple((n, dict(row)) for n, row in enumerate(rows, start=2)))


def decode_csv_bytes(data: bytes) -> str:
    """Decode csv bytes: UTF-8 (with or without BOM), else GB18030 (covers GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise TableFileError("无法识别文件编码（应为 UTF-8 或 GBK）") from exc


def read_csv_bytes(data: bytes, name: str) -> Sheet:
    text = decode_csv_bytes(data)
    if "\x00" in text:
        raise TableFileError("文件内容不是文本表格（含二进制数据）")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        sheet = _build_sheet(name, list(csv_unescaped_rows(reader)))
    except csv.Error as exc:
        raise TableFileError(f"csv 格式错误：{exc}") from exc
    if sheet is None:
        raise TableFileError("文件为空，没有表头")
    return sheet


def read_xlsx_bytes(data: bytes) -> list[Sheet]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableFileError("不是有效的 xlsx 文件") from exc
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            sheet = _build_sheet(worksheet.title, worksheet.iter_rows(values_only=True))
            if sheet is not None:
                sheets.append(sheet)
    finally:
        workbook.close()
    if not sheets:
        raise TableFileError("工作簿为空，没有任何表头")
    return sheets


SUPPORTED_SUFFIXES = (".xlsx", ".csv")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = "（.xls 请在 Excel 中另存为 .xlsx）" if suffix == ".xls" else ""
        raise TableFileError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}，只接受 .xlsx 或 .csv{hint}"
        )
    return suffix


def iter_first_sheet(path: Path) -> tuple[str, Iterator[Sequence[object]]]:
    """The first sheet's name and its raw rows, read lazily: exports reach a million rows.

    A .csv is the file's stem and is decoded like ``decode_csv_bytes``, but chunk by chunk.
    Exports put the data on the first sheet of a workbook; later sheets are summaries.
    Reading errors surface as TableFileError while iterating.
    """
    if _suffix(path) == ".csv":
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8-sig"
        with path.open("rb") as handle:
            try:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "gb18030"

        def csv_rows() -> Iterator[Sequence[object]]:
            with path.open(encoding=encoding, newline="") as handle:
                try:
                    yield from csv_unescaped_rows(csv.reader(handle))
                except (csv.Error, UnicodeDecodeError) as exc:
                    raise TableFileError(f"csv 格式错误：{exc}") from exc

        return path.stem, csv_rows()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableFileError("不是有效的 xlsx 文件") from exc
    worksheet = workbook.worksheets[0]

    def xlsx_rows() -> Iterator[Sequence[object]]:
        try:
            yield from worksheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return worksheet.title, xlsx_rows()


def read_table_file(path: Path) -> list[Sheet]:
    """Read a .xlsx (every sheet) or .csv (one sheet named after the file)."""
    suffix = _suffix(path)
    data = path.read_bytes()
    if not data.strip():
        raise TableFileError("文件为空")
    if suffix == ".csv":
        return [read_csv_bytes(data, path.stem)]
    return read_xlsx_bytes(data)


def write_xlsx(
    path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[str]]]]
) -> None:
    """Write sheets of text cells; a write-only workbook keeps memory flat on big exports.
    Text stays text, never a formula (engine.cellsafety).
    Callers write through engine.outputs.atomic_files: a path here is written in place."""
    workbook = openpyxl.Workbook(write_only=True)
    for title, headers, rows in sheets:
        worksheet = workbook.create_sheet(title)
        worksheet.append(xlsx_row(worksheet, headers))
        for row in rows:
            worksheet.append(xlsx_row(worksheet, row))
    workbook.save(path)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """UTF-8 with BOM, so that Excel on Windows opens the Chinese text correctly; a cell that
    Excel could run as a formula is escaped with a leading "'" (engine.cellsafety), which the
    readers above remove.
    Callers write through engine.outputs.atomic_files: a path here is written in place."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(headers))
        writer.writerows(csv_row(row) for row in rows)
