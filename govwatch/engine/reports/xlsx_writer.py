"""Every annex table of a report in one .xlsx workbook, one sheet per annex (附件1, 附件2 …).

Numbers stay numbers (offices sum and filter them in Excel); text stays text, never a formula,
whatever a unit or site name starts with (engine.cellsafety); multi-level headings are merged
as in the docx, so the sheet reads like the printed annex.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from govwatch.engine.cellsafety import keep_text
from govwatch.engine.reports.tables import Table, heading_levels

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _value(cell: object) -> object:
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, dt.date) or cell is None:
        return cell
    return cell


NO_TABLES_ZH = "没有需要列出的表格。"


def write_xlsx(tables: Sequence[Table], path: Path, empty_note: str = NO_TABLES_ZH) -> None:
    """Write to PATH as is (wrap it in outputs.atomic_files for a final name).

    With no tables the workbook holds one sheet 说明 with ``empty_note``: a workbook needs a
    sheet, and an office opening an empty file should read why it is empty.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if not tables:
        note = workbook.create_sheet("说明")
        keep_text(note.cell(1, 1, empty_note))
    for index, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(f"附件{index}")
        width = len(table.headings)
        keep_text(sheet.cell(1, 1, f"附件{index} {table.title}")).font = Font(bold=True, size=14)
        if width > 1:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        levels = heading_levels(table.headings)
        paths = [h.split("/") for h in table.headings]
        for level, labels in enumerate(levels):
            for col, label in enumerate(labels, start=1):
                cell = keep_text(sheet.cell(2 + level, col, label))
                cell.font, cell.alignment, cell.border = Font(bold=True), _CENTER, _BOX
        for level in range(len(levels)):
            col = 0
            while col < width:
                end = col
                while (
                    end + 1 < width
                    and len(paths[col]) > level
                    and len(paths[end + 1]) > level
                    and paths[end + 1][: level + 1] == paths[col][: level + 1]
                ):
                    end += 1
                if end > col:
                    sheet.merge_cells(
                        start_row=2 + level,
                        start_column=col + 1,
                        end_row=2 + level,
                        end_column=end + 1,
                    )
                col = end + 1
        for col, path_parts in enumerate(paths, start=1):
            if len(path_parts) < len(levels):
                sheet.merge_cells(
                    start_row=1 + len(path_parts),
                    start_column=col,
                    end_row=1 + len(levels),
                    end_column=col,
                )
        first = 2 + len(levels)
        for offset, row in enumerate(table.rows):
            for col, value in enumerate(row.cells, start=1):
                cell = keep_text(sheet.cell(first + offset, col, _value(value)))
                cell.border = _BOX
                cell.alignment = _CENTER
                if row.kind != "data":
                    cell.font = Font(bold=True)
            if row.kind == "total" and width > 2 and row.cells[1] in ("", None):
                sheet.merge_cells(
                    start_row=first + offset, start_column=1, end_row=first + offset, end_column=2
                )
            if row.kind == "section" and width > 1:
                sheet.merge_cells(
                    start_row=first + offset,
                    start_column=1,
                    end_row=first + offset,
                    end_column=width,
                )
        for col in range(1, width + 1):
            longest = max(
                (
                    len(str(sheet.cell(r, col).value or ""))
                    for r in range(2, first + len(table.rows))
                ),
                default=4,
            )
            sheet.column_dimensions[get_column_letter(col)].width = min(60, max(6, longest * 2 + 2))
    workbook.save(path)
