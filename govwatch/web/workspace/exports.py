"""Excel exports of the workspace's lists: one helper every list page calls.

The page and its export share the query (the view builds it once, with its filters and its
scope), so an export has exactly the rows the page pages through, all of them. The sheet is
an office's working table: a Chinese header row, frozen below it, an autofilter over the
table, columns wide enough to read, dates as dates; every text cell goes through
engine/cellsafety.py, so a unit name such as ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from govwatch.engine.cellsafety import xlsx_value

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows looked at to size the columns (the rest stream through without being kept).
SIZED_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
# Characters Excel does not allow in a sheet title.
_TITLE_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)

# A column is its header, or (header, width in characters) to fix the width.
ColumnSpec = str | tuple[str, float]


def wants_xlsx(request: HttpRequest) -> bool:
    """The list's own URL with ?format=xlsx asks for its export."""
    return request.GET.get("format") == "xlsx"


def _width_of(value: object) -> float:
    """Display width: a Chinese character takes two columns, a date about ten."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    line = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _cell_value(value: object) -> object:
    """Excel has no time zones: aware datetimes are written in the local time of the site."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _cell(sheet: Any, value: object) -> object:
    value = _cell_value(value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return xlsx_value(sheet, value)


def sheet_title(title: str) -> str:
    return (title.translate(_TITLE_BAD).strip("'") or "Sheet")[:31]


def xlsx_write(
    target: Any, title: str, columns: Sequence[ColumnSpec], rows: Iterable[Sequence[object]]
) -> int:
    """Write one table to TARGET (a path or a binary file); returns the data rows written."""
    headers = [c if isinstance(c, str) else c[0] for c in columns]
    fixed = {i: c[1] for i, c in enumerate(columns) if not isinstance(c, str)}
    rows = iter(rows)
    first = [list(row) for row in islice(rows, SIZED_ROWS)]
    widths = [_width_of(h) for h in headers]
    for row in first:
        for i, value in enumerate(row[: len(headers)]):
            widths[i] = max(widths[i], _width_of(_cell_value(value)))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for i, width in enumerate(widths):
        chosen = fixed.get(i, min(max(width + 2, MIN_WIDTH), MAX_WIDTH))
        sheet.column_dimensions[get_column_letter(i + 1)].width = chosen
    # Set before any row: the pane is written ahead of the sheet's data.
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in chain(first, rows):
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    last = get_column_letter(max(len(headers), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.properties.title = title
    workbook.save(target)
    return count


def _disposition(filename: str) -> str:
    """An ASCII fallback name, then the real (often Chinese) one as RFC 5987 UTF-8."""
    stamp = timezone.localtime().strftime("%Y%m%d")
    if not filename.endswith(".xlsx"):
        filename = f"{filename}.xlsx"
    return (
        f"attachment; filename=\"export-{stamp}.xlsx\"; filename*=UTF-8''{quote(filename, safe='')}"
    )


def xlsx_response(
    filename: str, title: str, columns: Sequence[ColumnSpec], rows: Iterable[Sequence[object]]
) -> FileResponse:
    """The table as an .xlsx download named FILENAME. Written to a temporary file first (a
    long list never sits in memory as a workbook), then streamed."""
    # FileResponse closes the file once sent: no context manager here.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    xlsx_write(spool, title, columns, rows)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
