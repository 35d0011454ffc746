"""Formula injection: hostile names written by every xlsx and csv writer stay inert text.

Each workbook is re-opened with openpyxl and its raw sheet XML is read: no ``<f>`` element,
no error-typed cell. Each csv is read as raw text: the dangerous cells carry the "'" escape,
and our readers give back exactly what was written.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from govwatch.engine.cellsafety import csv_escape, csv_unescape
from govwatch.engine.reports import xlsx_writer
from govwatch.engine.reports.tables import Table, TableRow
from govwatch.engine.tabular import iter_first_sheet, read_table_file, write_csv, write_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil","点击")',
    "+86 371 1234",
    "@SUM(A1)",
    "-1+2",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "#REF!",
    "'=1+1",  # an apostrophe that is data, before a formula character
    "'单引号开头",  # an apostrophe that is data, before ordinary text
    "-",
]
PLAIN = ["格尔木市公安局", "a=b", "0371-22222222", "", "''"]


def sheet_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        ]


def assert_no_formula(path: Path) -> None:
    for xml in sheet_xml(path):
        assert "<f>" not in xml and "<f " not in xml and "<f/>" not in xml
        assert 't="e"' not in xml  # "#REF!" is text, not an error value
        assert 't="str"' not in xml  # the type of a formula's cached text result
    workbook = openpyxl.load_workbook(path)  # not data_only: a formula would show as "=…"
    for worksheet in workbook.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)


def test_cell_safety_rule() -> None:
    for value in HOSTILE:
        if value == "#REF!" or value.startswith("'单"):
            assert csv_escape(value) == value
        else:
            assert csv_escape(value) == "'" + value
        assert csv_unescape(str(csv_escape(value))) == value
    for value in PLAIN:
        assert csv_escape(value) == value
        assert csv_unescape(value) == value
    assert csv_escape(-5) == -5 and csv_escape(Decimal("-1.5")) == Decimal("-1.5")


def test_tabular_xlsx_writes_text_never_formulas(tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    rows = [[value, "县级"] for value in HOSTILE + PLAIN]
    write_xlsx(path, [("单位", ["单位名称", "层级"], rows), ("=SUM(1)", ["=表头"], [["@x"]])])

    assert_no_formula(path)
    xml = sheet_xml(path)[0]
    assert 't="inlineStr"><is><t>=HYPERLINK("http://evil",' in xml  # stored as a string
    # Text that starts with a formula character carries Excel's quote prefix.
    workbook = openpyxl.load_workbook(path)
    by_value = {c.value: c for c in workbook["单位"]["A"]}
    assert by_value["=1+1"].quotePrefix and by_value["+86 371 1234"].quotePrefix
    assert not by_value["格尔木市公安局"].quotePrefix
    assert workbook["=SUM(1)"]["A1"].value == "=表头"
    # Read back by our reader: every cell exactly as written (cell_text strips the outer
    # whitespace of every cell, so the tab and carriage return cases lose it as any cell does).
    sheets = {sheet.name: sheet for sheet in read_table_file(path)}
    names = [row["单位名称"] for _, row in sheets["单位"].rows]
    assert names == [value.strip() for value in HOSTILE + PLAIN]


def test_tabular_csv_escapes_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    values = HOSTILE + PLAIN
    write_csv(path, ["单位名称", "=表头"], [[value, "县级"] for value in values])

    with path.open(encoding="utf-8-sig", newline="") as handle:
        raw = list(csv.reader(handle))
    assert raw[0] == ["单位名称", "'=表头"]
    written = [row[0] for row in raw[1:]]
    assert written[HOSTILE.index('=HYPERLINK("http://evil","点击")')].startswith("'=HYPERLINK")
    assert written[HOSTILE.index("+86 371 1234")] == "'+86 371 1234"
    assert written[HOSTILE.index("@SUM(A1)")] == "'@SUM(A1)"
    assert written[HOSTILE.index("-1+2")] == "'-1+2"
    assert written[HOSTILE.index("\t=1+1")] == "'\t=1+1"
    assert written[HOSTILE.index("'=1+1")] == "''=1+1"
    assert written[HOSTILE.index("'单引号开头")] == "'单引号开头"
    for cell in written:  # nothing Excel would evaluate is left at the start of a cell
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")

    [sheet] = read_table_file(path)
    assert sheet.headers == ("单位名称", "=表头")
    assert [row["单位名称"] for _, row in sheet.rows] == [value.strip() for value in values]
    # The lazy reader of big exports removes the same escape.
    name, rows = iter_first_sheet(path)
    assert name == "units"
    assert [list(row) for row in rows][1:] == [[value, "县级"] for value in values]


def test_numbers_stay_numbers_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    write_csv(path, ["数量"], [[-5], [Decimal("-1.5")], ["-5"]])  # type: ignore[list-item]
    text = path.read_text(encoding="utf-8-sig").splitlines()
    assert text == ["数量", "-5", "-1.5", "'-5"]  # numbers as numbers, text escaped
    [sheet] = read_table_file(path)
    assert [row["数量"] for _, row in sheet.rows] == ["-5", "-1.5", "-5"]


def annex(name: str) -> Table:
    return Table(
        key="t",
        title="=标题",
        headings=("序号", "单位名称", "=统计/数量", "=统计/日期"),
        rows=(
            TableRow((1, name, -3, dt.date(2024, 6, 30))),
            TableRow((2, "+86 371 1234", Decimal("-1.5"), None)),
            TableRow(("=合计", "", 7, None), kind="total"),
        ),
    )


@pytest.mark.parametrize("name", HOSTILE)
def test_report_annex_workbook_writes_text_never_formulas(tmp_path: Path, name: str) -> None:
    path = tmp_path / "附件.xlsx"
    xlsx_writer.write_xlsx([annex(name)], path)

    assert_no_formula(path)
    sheet = openpyxl.load_workbook(path)["附件1"]
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert data[0][:3] == [1, name, -3]
    assert isinstance(data[0][3], dt.datetime) and data[0][3].date() == dt.date(2024, 6, 30)
    assert data[1][:3] == [2, "+86 371 1234", -1.5]  # numbers keep their type
    assert sheet.cell(4, 3).data_type == "n" and sheet.cell(5, 3).data_type == "n"
    assert sheet.cell(4, 2).data_type == "s"
    assert data[2][0] == "=合计"
    assert sheet["A1"].value == "附件1 =标题"
    assert [sheet.cell(2, 3).value, sheet.cell(3, 3).value] == ["=统计", "数量"]


def test_report_empty_note_is_text(tmp_path: Path) -> None:
    path = tmp_path / "附件.xlsx"
    xlsx_writer.write_xlsx([], path, empty_note="=1+1")
    assert_no_formula(path)
    assert openpyxl.load_workbook(path)["说明"]["A1"].value == "=1+1"


def test_raw_xml_check_catches_a_formula(tmp_path: Path) -> None:
    """The XML check itself: an unguarded openpyxl cell "=1+1" is a formula and is caught."""
    path = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "=1+1"
    workbook.save(path)
    assert re.search(r"<f>1\+1</f>", sheet_xml(path)[0])
    with pytest.raises(AssertionError):
        assert_no_formula(path)
