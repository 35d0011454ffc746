"""Reading and writing the tables offices exchange: .xlsx workbooks and .csv files.

Offices send csv files saved by Excel on Chinese Windows, which are GBK (or GB18030)
without any marker, so decoding tries UTF-8 first (strictly) and falls back to GB18030,
a superset of GBK and GB2312; a file mixing both is refused. Every row keeps its
spreadsheet row number (the header is row 1) so that errors can name it. The readers
refuse, naming the limit, any file beyond the limits below (size, zip bombs, rows,
columns, cell length): none can take unbounded memory or time.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import CELL_TAG, DIMENSION_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS
from openpyxl.xml.functions import iterparse

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


# -- limits -----------------------------------------------------------------------------
# A file is refused whole, with a message naming the limit, before it can take unbounded
# memory or time: a 1 MB xlsx may unpack into gigabytes of XML (zip bomb), a csv may be
# one endless line. ``read_table_file`` holds the whole table in memory, so its files are
# smaller than those ``iter_first_sheet`` streams row by row (post exports of a million
# rows). Excel itself stops at 1,048,576 rows and 32,767 characters a cell.
MB = 1024 * 1024
MAX_CSV_BYTES = 100 * MB  # read_table_file: a csv file
MAX_XLSX_UNPACKED_BYTES = 200 * MB  # read_table_file: every part of a workbook, unpacked
MAX_STREAMED_BYTES = 1024 * MB  # iter_first_sheet: a csv file, or a workbook unpacked
MAX_XLSX_STRINGS_BYTES = 200 * MB  # a workbook's shared strings, which are held in memory
MAX_XLSX_PART_BYTES = 20 * MB  # the other parts parsed whole (workbook, relations, styles)
MAX_XLSX_RATIO = 100  # unpacked / packed size of one part (real sheets: 5–20)
MAX_ROWS = 1_048_576  # rows of a sheet, the header included
MAX_COLUMNS = 1_000  # columns up to the last non-empty cell of a row
MAX_CELL_CHARS = 32_767
MAX_RECORD_CHARS = 1_000_000  # one csv record (a quoted cell may span lines)
MAX_XLSX_PARTS = 10_000  # files inside the zip (a workbook of 1,000 sheets has ~3,000)
_EXCEL_COLUMNS = 16_384  # cells a worksheet row may hold at all (A … XFD)
_CHUNK = 1 * MB


def _mb(size: int) -> str:
    """Rounded up: a size above a limit never reads as the limit itself."""
    return f"{-(-size // MB):,}MB"


# -- csv --------------------------------------------------------------------------------
# UTF-8 inside a GBK file: three UTF-8 encoded CJK ideographs in a row (a lead byte E4–E9
# and two continuation bytes 80–BF each), all among the 3,755 common characters (GB2312
# level 1). GBK bytes read as UTF-8 give rare characters if any: among 3 million lines
# of GBK-encoded dictionary words and names, 81 held two such UTF-8 characters in a row
# (nearly all rare), none three, none two common ones. Searched as a literal in the
# bytes mapped to their classes: 20 times faster than a regular expression.
_BYTE_CLASSES = bytes(
    ord("L") if 0xE4 <= b <= 0xE9 else ord("C") if 0x80 <= b <= 0xBF else ord(".")
    for b in range(256)
)
_UTF8_HAN_RUN = b"LCC" * 3


def _common_han(char: str) -> bool:
    try:
        return 0xB0 <= char.encode("gb2312")[0] <= 0xD7
    except UnicodeEncodeError:
        return False


def _utf8_text_at(chunk: bytes) -> int:
    """Where ``chunk`` holds UTF-8 encoded Chinese text (see above), or -1."""
    classes = chunk.translate(_BYTE_CLASSES)
    at = classes.find(_UTF8_HAN_RUN)
    while at >= 0:
        if all(_common_han(chunk[i : i + 3].decode("utf-8")) for i in range(at, at + 9, 3)):
            return at
        at = classes.find(_UTF8_HAN_RUN, at + 1)
    return -1


def _line_of(chunk: bytes, at: int, before: int) -> int:
    return before + chunk.count(b"\n", 0, at) + 1


def _csv_encoding(handle: IO[bytes]) -> str:
    """The encoding of a csv file, "utf-8-sig" or "gb18030", read chunk by chunk.

    UTF-8 is strict: a file that is not valid UTF-8 throughout is GB18030 (a superset of
    GBK and GB2312), unless it also carries UTF-8 text — rows pasted from another source
    — which would turn into mojibake: such a file is refused, naming a line of each.
    """
    utf8_line = gbk_line = 0
    lines = 0  # newlines before the chunk at hand
    blank = True
    if handle.read(3) == b"\xef\xbb\xbf":
        utf8_line = 1
    else:
        handle.seek(0)
    carry = b""
    while True:
        data = handle.read(_CHUNK)
        chunk = carry + data
        if not chunk:
            break
        carry = b""
        if data:
            # Cut after the last line break: no multibyte character spans it.
            cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
            if cut == 0:
                # A character takes at most 4 bytes (UTF-8, GB18030).
                if len(chunk) > 4 * MAX_RECORD_CHARS:
                    raise _too_long(lines + 1)
                carry = chunk
                continue
            chunk, carry = chunk[:cut], chunk[cut:]
        blank = blank and not chunk.strip()
        try:
            chunk.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError as exc:
            utf8 = False
            gbk_line = gbk_line or _line_of(chunk, exc.start, lines)
        if not utf8_line and (found := _utf8_text_at(chunk)) >= 0:
            utf8_line = _line_of(chunk, found, lines)
        if utf8_line and gbk_line:
            raise TableFileError(
                f"文件编码混杂（部分为UTF-8、部分为GBK）：第{utf8_line}行含UTF-8编码的文字，"
                f"第{gbk_line}行含GBK编码的文字；请统一另存为 UTF-8 或 GBK 后重新导入"
            )
        if not utf8:
            try:
                chunk.decode("gb18030")
            except UnicodeDecodeError:
                raise TableFileError("无法识别文件编码（应为 UTF-8 或 GBK）") from None
        if b"\x00" in chunk:
            raise TableFileError("文件内容不是文本表格（含二进制数据）")
        lines += chunk.count(b"\n")
    if blank:
        raise TableFileError("文件为空")
    return "gb18030" if gbk_line else "utf-8-sig"


def _too_long(line: int) -> TableFileError:
    return TableFileError(
        f"第{line}行过长：超过 {MAX_RECORD_CHARS:,} 字（上限），可能是引号未配对或不是表格文件"
    )


class _Record:
    """Where csv.reader is in the file: the lines read, the line the record being read
    starts on, and the characters it has taken so far."""

    __slots__ = ("first", "line", "size")

    def __init__(self) -> None:
        self.line, self.first, self.size = 0, 1, 0


def _record_lines(handle: IO[str], record: _Record) -> Iterator[str]:
    """The lines of ``handle`` for csv.reader, one record's worth bounded: a record (a
    quoted cell may span lines) longer than MAX_RECORD_CHARS stops the reading. A line
    itself is at most 4 × MAX_RECORD_CHARS bytes, ``_csv_encoding`` having read the file."""
    for line in handle:
        record.line += 1
        record.size += len(line)
        if record.size > MAX_RECORD_CHARS:
            raise _too_long(record.first)
        yield line


def _checked_record(number: int, record: list[str]) -> list[str]:
    """Refuses a record beyond MAX_ROWS, MAX_COLUMNS or MAX_CELL_CHARS."""
    if number > MAX_ROWS:
        raise TableFileError(f"表格过大：超过 {MAX_ROWS:,} 行（上限），请拆分为几个文件分别导入")
    width = len(record)
    while width > MAX_COLUMNS and not record[width - 1].strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise TableFileError(
            f"表格过宽：第{number}行有 {width:,} 列，超过 {MAX_COLUMNS:,} 列（上限）"
        )
    del record[width:]
    for column, cell in enumerate(record, start=1):
        if len(cell) > MAX_CELL_CHARS:
            raise TableFileError(
                f"单元格过长：第{number}行第{column}列超过 {MAX_CELL_CHARS:,} 字（上限）"
            )
    return record


def _csv_records(handle: IO[str]) -> Iterator[list[str]]:
    """The records of an open csv text file, checked against the limits as they come."""
    at = _Record()
    reader = csv.reader(_record_lines(handle, at))
    try:
        for number, record in enumerate(reader, start=1):
            at.first, at.size = at.line + 1, 0
            # The common row passes three cheap tests; any other is looked at closely.
            if (
                number > MAX_ROWS
                or len(record) > MAX_COLUMNS
                or (record and max(map(len, record)) > MAX_CELL_CHARS)
            ):
                record = _checked_record(number, record)
            yield record
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TableFileError(
                f"单元格过长：第{at.first}行起的记录有单元格超过 {MAX_CELL_CHARS:,} 字"
                "（上限），可能是引号未配对"
            ) from exc
        raise TableFileError(f"csv 格式错误（第{reader.line_num}行）：{exc}") from exc
    except UnicodeDecodeError as exc:
        raise TableFileError("无法识别文件编码（应为 UTF-8 或 GBK）") from exc


def _refuse_size(size: int, limit: int) -> None:
    if size > limit:
        raise TableFileError(
            f"文件过大：{_mb(size)}，超过 {_mb(limit)}（上限），请拆分为几个文件分别导入"
        )


def decode_csv_bytes(data: bytes) -> str:
    """Decode csv bytes: UTF-8 (with or without BOM), else GB18030 (covers GBK/GB2312);
    a file mixing both is refused (see ``_csv_encoding``)."""
    return data.decode(_csv_encoding(io.BytesIO(data)))


def read_csv_bytes(data: bytes, name: str) -> Sheet:
    _refuse_size(len(data), MAX_CSV_BYTES)
    encoding = _csv_encoding(io.BytesIO(data))
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as handle:
        sheet = _build_sheet(name, csv_unescaped_rows(_csv_records(handle)))
    if sheet is None:
        raise TableFileError("文件为空，没有表头")
    return sheet


def _read_csv_file(path: Path) -> Sheet:
    _refuse_size(path.stat().st_size, MAX_CSV_BYTES)
    with path.open("rb") as raw:
        encoding = _csv_encoding(raw)
    with path.open(encoding=encoding, newline="") as handle:
        sheet = _build_sheet(path.stem, csv_unescaped_rows(_csv_records(handle)))
    if sheet is None:
        raise TableFileError("文件为空，没有表头")
    return sheet


# -- xlsx -------------------------------------------------------------------------------
# Workbooks are opened with openpyxl's reader pieces, each part's unpacked size checked
# before it is read, and sheets are streamed cell by cell with openpyxl's own cell parser
# (``WorkSheetParser.parse_cell``: shared strings, numbers, dates, booleans as openpyxl
# reads them), so that no row, however wide, is held as a whole XML tree. openpyxl is
# pinned (3.1.5); tests/engine/test_tabular.py covers the values read.
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # XML syntax (lxml and ElementTree errors derive from it)
    EOFError,
    zlib.error,
    NotImplementedError,  # a compression method zipfile does not know
    InvalidFileException,
)


class _Workbook:
    """An open workbook: its worksheets' (title, part) and their rows, streamed."""

    def __init__(self, source: Path | IO[bytes], unpacked_limit: int) -> None:
        entries = _zip_entries(source)
        if entries > MAX_XLSX_PARTS:
            raise TableFileError(
                f"表格异常：压缩包内有 {entries:,} 个文件，超过 {MAX_XLSX_PARTS:,} 个（上限）"
            )
        try:
            reader = ExcelReader(source, read_only=True, data_only=True, keep_links=False)
        except _XLSX_ERRORS as exc:
            raise TableFileError("不是有效的 xlsx 文件") from exc
        self.archive: zipfile.ZipFile = reader.archive
        try:
            self._check_archive(unpacked_limit)
            self._part(ARC_CONTENT_TYPES, MAX_XLSX_PART_BYTES)
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            if strings is not None:
                self._part(strings.PartName[1:], MAX_XLSX_STRINGS_BYTES)
            reader.read_strings()
            workbook_part = _find_workbook_part(reader.package).PartName[1:]
            self._part(workbook_part, MAX_XLSX_PART_BYTES)
            self._part(get_rels_path(workbook_part), MAX_XLSX_PART_BYTES)
            reader.read_workbook()
            self._part(ARC_STYLE, MAX_XLSX_PART_BYTES)
            apply_stylesheet(self.archive, reader.wb)
            # Chart sheets hold no cells; a relation to a missing part is skipped, as
            # openpyxl does.
            self.sheets: list[tuple[str, str]] = [
                (sheet.name, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
        except TableFileError:
            self.archive.close()
            raise
        except _XLSX_ERRORS as exc:
            self.archive.close()
            raise TableFileError("不是有效的 xlsx 文件") from exc
        self.strings = reader.shared_strings
        wb = reader.wb
        self.epoch = wb.epoch
        self.date_formats = wb._date_formats
        self.timedelta_formats = wb._timedelta_formats

    def _check_archive(self, limit: int) -> None:
        infos = self.archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limit:
            raise TableFileError(
                f"表格过大：工作簿解压后约 {_mb(unpacked)}，超过 {_mb(limit)}（上限），"
                "请拆分为几个文件分别导入"
            )
        for info in infos:
            if info.file_size > MB and info.file_size > MAX_XLSX_RATIO * info.compress_size:
                ratio = info.file_size // max(info.compress_size, 1)
                raise TableFileError(
                    f"表格异常：{info.filename} 解压后是压缩大小的 {ratio:,} 倍，"
                    f"超过 {MAX_XLSX_RATIO} 倍（上限），疑似压缩炸弹，拒绝读取"
                )

    def _part(self, name: str, limit: int) -> None:
        try:
            size = self.archive.getinfo(name).file_size
        except KeyError:
            return  # openpyxl says whether the part is required
        if size > limit:
            raise TableFileError(
                f"表格异常：{name} 解压后约 {_mb(size)}，超过 {_mb(limit)}（上限）"
            )

    def close(self) -> None:
        self.archive.close()

    def rows(self, title: str, part: str) -> Iterator[tuple[object, ...]]:
        """The rows of one worksheet, numbered from 1 without gaps (a missing row is ()),
        each as long as its last non-empty cell; refuses a sheet beyond the limits."""
        try:
            yield from self._rows(title, part)
        except TableFileError:
            raise
        except _XLSX_ERRORS as exc:
            raise TableFileError(f"不是有效的 xlsx 文件：工作表「{title}」无法读取") from exc

    def _rows(self, title: str, part: str) -> Iterator[tuple[object, ...]]:
        parser = WorkSheetParser(
            None,
            self.strings,
            data_only=True,
            epoch=self.epoch,
            date_formats=self.date_formats,
            timedelta_formats=self.timedelta_formats,
        )
        where = f"工作表「{title}」"
        expected = 1  # the number of the next row
        number = 0
        values: list[object] = []
        cells = 0
        in_cell = False
        # Open elements, root first: each is cleared and dropped once it ends (those
        # inside a cell only with the cell, which openpyxl's parser reads whole).
        stack: list[Any] = []
        with self.archive.open(part) as source:
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    stack.append(element)
                    if tag == CELL_TAG:
                        in_cell = True
                    elif tag == ROW_TAG:
                        number = _row_number(element.get("r"), expected)
                        if number < expected:
                            raise TableFileError(
                                f"不是有效的 xlsx 文件：{where}第{number}行重复或顺序错乱"
                            )
                        if number > MAX_ROWS:
                            raise TableFileError(
                                f"表格过大：{where}超过 {MAX_ROWS:,} 行（上限），"
                                "请拆分为几个文件分别导入"
                            )
                        parser.row_counter, parser.col_counter = number, 0
                        values, cells = [], 0
                    continue
                stack.pop()
                if tag == CELL_TAG:
                    in_cell = False
                    cells += 1
                    if cells > _EXCEL_COLUMNS:
                        raise TableFileError(
                            f"不是有效的 xlsx 文件：{where}第{number}行的单元格"
                            f"超过 {_EXCEL_COLUMNS:,} 个"
                        )
                    cell = parser.parse_cell(element)
                    _put(values, cell["column"], cell["value"], where, number)
                elif tag == ROW_TAG:
                    while expected < number:
                        yield ()
                        expected += 1
                    yield tuple(values)
                    expected = number + 1
                elif tag == DIMENSION_TAG:
                    declared = _declared_rows(element.get("ref"))
                    if declared > MAX_ROWS:
                        raise TableFileError(
                            f"表格过大：{where}声明有 {declared:,} 行，超过 {MAX_ROWS:,} 行"
                            "（上限），请拆分为几个文件分别导入"
                        )
                elif in_cell:
                    continue
                element.clear()
                if stack:
                    parent = stack[-1]
                    while len(parent) and parent[0] is not element:
                        del parent[0]


def _zip_entries(source: Path | IO[bytes]) -> int:
    """The entry count a zip file declares at its end, read before zipfile builds an object
    for each (a file of millions of empty entries would take gigabytes); 0 if not a zip."""
    end_record = getattr(zipfile, "_EndRecData")  # noqa: B009 - private, stable since 2.x
    try:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                end = end_record(handle)
        else:
            end = end_record(source)
            source.seek(0)
    except OSError:
        return 0
    return int(end[getattr(zipfile, "_ECD_ENTRIES_TOTAL")]) if end else 0  # noqa: B009


def _declared_rows(ref: str | None) -> int:
    """The last row of a dimension such as "A1:J2000" (0 when there is none)."""
    found = re.search(r"(\d+)\s*$", ref or "")
    return int(found.group(1)) if found else 0


def _row_number(text: str | None, default: int) -> int:
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        number = float(text)  # "3.0" is read as row 3 by openpyxl; anything else is damage
        if not number.is_integer():
            raise
        return int(number)


def _put(values: list[object], column: int, value: object, where: str, row: int) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return  # read as "" anyway: only columns up to the last non-empty cell count
    if column > MAX_COLUMNS:
        raise TableFileError(
            f"表格过宽：{where}第{row}行第{column:,}列有内容，超过 {MAX_COLUMNS:,} 列（上限）"
        )
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise TableFileError(
            f"单元格过长：{where}第{row}行第{column}列超过 {MAX_CELL_CHARS:,} 字（上限）"
        )
    if column > len(values):
        values.extend([None] * (column - 1 - len(values)))
        values.append(value)
    else:
        values[column - 1] = value


def read_xlsx_bytes(data: bytes) -> list[Sheet]:
    return _read_xlsx(io.BytesIO(data))


def _read_xlsx(source: Path | IO[bytes]) -> list[Sheet]:
    book = _Workbook(source, MAX_XLSX_UNPACKED_BYTES)
    try:
        sheets = []
        for title, part in book.sheets:
            sheet = _build_sheet(title, book.rows(title, part))
            if sheet is not None:
                sheets.append(sheet)
    finally:
        book.close()
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


def _streamed_csv(path: Path, max_bytes: int) -> tuple[str, Iterator[Sequence[object]]]:
    _refuse_size(path.stat().st_size, max_bytes)
    with path.open("rb") as raw:
        encoding = _csv_encoding(raw)

    def csv_rows() -> Iterator[Sequence[object]]:
        with path.open(encoding=encoding, newline="") as handle:
            yield from csv_unescaped_rows(_csv_records(handle))

    return path.stem, csv_rows()


def _streamed_workbook(path: Path, max_bytes: int) -> _Workbook:
    size = path.stat().st_size
    if size == 0:
        raise TableFileError("文件为空")
    _refuse_size(size, max_bytes)
    return _Workbook(path, max_bytes)


def iter_first_sheet(path: Path) -> tuple[str, Iterator[Sequence[object]]]:
    """The first sheet's name and its raw rows, read lazily: exports reach a million rows.

    A .csv is the file's stem and is decoded like ``decode_csv_bytes``. Exports put the
    data on the first sheet of a workbook; later sheets are summaries. The file's size
    (MAX_STREAMED_BYTES) and encoding are checked here; the row limits (MAX_ROWS,
    MAX_COLUMNS, MAX_CELL_CHARS) and damage surface as TableFileError while iterating.
    """
    if _suffix(path) == ".csv":
        return _streamed_csv(path, MAX_STREAMED_BYTES)
    book = _streamed_workbook(path, MAX_STREAMED_BYTES)
    if not book.sheets:
        book.close()
        raise TableFileError("工作簿中没有工作表")
    title, part = book.sheets[0]

    def xlsx_rows() -> Iterator[Sequence[object]]:
        try:
            yield from book.rows(title, part)
        finally:
            book.close()

    return title, xlsx_rows()


def iter_sheets(
    path: Path, *, max_bytes: int = MAX_STREAMED_BYTES
) -> Iterator[tuple[str, Iterator[Sequence[object]]]]:
    """Every sheet's name and raw rows, read lazily: ``read_table_file`` without holding
    the table (a .csv is one sheet named after the file). Read each sheet's rows before
    asking for the next sheet. ``max_bytes`` bounds the csv file or the unpacked workbook;
    the other limits are those of ``iter_first_sheet``."""
    if _suffix(path) == ".csv":
        yield _streamed_csv(path, max_bytes)
        return
    book = _streamed_workbook(path, max_bytes)
    try:
        for title, part in book.sheets:
            yield title, book.rows(title, part)
    finally:
        book.close()


def read_table_file(path: Path) -> list[Sheet]:
    """Read a .xlsx (every sheet) or .csv (one sheet named after the file), within the
    limits above (MAX_CSV_BYTES, MAX_XLSX_UNPACKED_BYTES, MAX_ROWS, MAX_COLUMNS, …)."""
    suffix = _suffix(path)
    size = path.stat().st_size
    if size < 4096 and not path.read_bytes().strip():
        raise TableFileError("文件为空")
    if suffix == ".csv":
        return [_read_csv_file(path)]
    _refuse_size(size, MAX_XLSX_UNPACKED_BYTES)
    return _read_xlsx(path)


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
