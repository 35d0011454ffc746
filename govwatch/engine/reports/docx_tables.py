"""Annex tables in Word: multi-level merged headings, 合计 rows, widths that fit the page.

Table text is 五号 (小五 for wide tables) on its own line spacing: it must not snap to the body's
28.95 pt grid, or every row would be a body line tall. Rows never split across pages and the
heading rows repeat on every page of a long annex.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell

from govwatch.engine.reports.docx_style import (
    BODY_FONT,
    TABLE_SIZE,
    WIDE_TABLE_COLUMNS,
    WIDE_TABLE_SIZE,
    insert_in_order,
    set_fonts,
)
from govwatch.engine.reports.tables import Table, format_cell, heading_levels

# Narrow cell margins (1 mm a side, in twips): Word's default 1.9 mm would wrap a 4-digit
# number in a 19-column annex.
_CELL_MARGIN_TWIPS = "57"


def _cell_text(cell: _Cell, text: str, size: Length, bold: bool = False) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size.pt * 1.35)
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    insert_in_order(paragraph._p.get_or_add_pPr(), snap, "w:snapToGrid")
    set_fonts(paragraph.add_run(text), BODY_FONT, size, bold)


def _header_rows(grid: DocxTable, headings: Sequence[str], size: Length) -> None:
    levels = heading_levels(headings)
    paths = [heading.split("/") for heading in headings]
    for level, labels in enumerate(levels):
        row = grid.rows[level]
        for col, label in enumerate(labels):
            _cell_text(row.cells[col], label, size, bold=True)
        # Merge neighbours that share the path so far (政府网站 over 问题数量 and 已办结).
        col = 0
        while col < len(labels):
            end = col
            while (
                end + 1 < len(labels)
                and len(paths[col]) > level
                and len(paths[end + 1]) > level
                and paths[end + 1][: level + 1] == paths[col][: level + 1]
            ):
                end += 1
            if end > col:
                row.cells[col].merge(row.cells[end])
                _cell_text(row.cells[col], labels[col], size, bold=True)
            col = end + 1
    for col, path in enumerate(paths):
        if len(path) < len(levels):
            top = grid.rows[len(path) - 1].cells[col]
            top.merge(grid.rows[len(levels) - 1].cells[col])
            _cell_text(top, path[-1], size, bold=True)
    for level in range(len(levels)):
        grid.rows[level]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def column_widths(table: Table, total_mm: float) -> list[float]:
    """Widths in mm by the longest text of each column, capped so names wrap, not numbers."""

    def ems(value: str) -> float:
        return sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in value)

    lengths = []
    for col, heading in enumerate(table.headings):
        longest = min(ems(heading.split("/")[-1]), 2.0)  # headings may wrap
        for row in table.rows:
            merged_label = row.kind == "total" and col < 2
            if row.kind != "section" and col < len(row.cells) and not merged_label:
                longest = max(longest, ems(format_cell(row.cells[col])))
        lengths.append(min(max(longest, 1.0), 14.0) + 0.8)  # + cell margins
    scale = total_mm / sum(lengths)
    return [length * scale for length in lengths]


def _table_properties(grid: DocxTable) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("top", "0"), ("left", _CELL_MARGIN_TWIPS)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), value)
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    for side, value in (("bottom", "0"), ("right", _CELL_MARGIN_TWIPS)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), value)
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr = grid._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        tbl_pr.append(margins)
    else:
        look.addprevious(margins)
    for row in grid.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def add_table(doc: DocxDocument, table: Table, total_mm: float = 156.0) -> None:
    width = len(table.headings)
    size = WIDE_TABLE_SIZE if width > WIDE_TABLE_COLUMNS else TABLE_SIZE
    depth = len(heading_levels(table.headings))
    grid = doc.add_table(rows=depth + len(table.rows), cols=width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _table_properties(grid)
    widths = column_widths(table, total_mm)
    # LibreOffice lays out by the table grid, Word by the cell widths: set both.
    for col_el, mm in zip(grid._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col_el.set(qn("w:w"), str(int(Mm(mm).twips)))
    for col, mm in enumerate(widths):
        for cell in grid.columns[col].cells:
            cell.width = Mm(mm)
    _header_rows(grid, table.headings, size)
    for offset, row in enumerate(table.rows):
        cells = grid.rows[depth + offset].cells
        if row.kind == "section" or len(row.cells) < width:
            first = cells[0].merge(cells[width - 1]) if width > 1 else cells[0]
            _cell_text(first, format_cell(row.cells[0]), size, bold=True)
            continue
        values = [format_cell(value) for value in row.cells]
        start = 0
        if row.kind == "total" and width > 1 and values[1] == "":
            # 合计 spans the 序号 and label columns, as the seeds print it.
            _cell_text(cells[0].merge(cells[1]), values[0], size, bold=True)
            values, start = values[2:], 2
        for col, value in enumerate(values, start=start):
            _cell_text(cells[col], value, size, bold=row.kind == "total")
    for col in table.merge_down:
        _merge_down(grid, table, depth, col, size)


def _merge_down(grid: DocxTable, table: Table, depth: int, col: int, size: Length) -> None:
    """Merge runs of equal, non-empty data cells in one column into a single cell."""
    start = 0
    while start < len(table.rows):
        row = table.rows[start]
        end = start
        if row.kind == "data" and format_cell(row.cells[col]):
            while (
                end + 1 < len(table.rows)
                and table.rows[end + 1].kind == "data"
                and table.rows[end + 1].cells[col] == row.cells[col]
            ):
                end += 1
        if end > start:
            top = grid.rows[depth + start].cells[col]
            top.merge(grid.rows[depth + end].cells[col])
            _cell_text(top, format_cell(row.cells[col]), size)
        start = end + 1
