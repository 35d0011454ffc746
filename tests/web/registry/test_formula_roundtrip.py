"""A registry whose names and contacts look like formulas: the exports carry no live formula
(xlsx: text cells; csv: the "'" escape), and importing an export changes nothing."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from govwatch.web.registry.models import Account, Column, Site, Unit, UnitAlias
from govwatch.web.registry.services import registry_export, registry_import
from tests.helpers import write_csv
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db

EVIL_LINK = '=HYPERLINK("http://evil","点击")'
UNITS = [
    ["青海省人民政府", "", "", "省级", "政府", "", "", ""],
    [EVIL_LINK, "=1+1", "青海省人民政府", "地市级", "部门", "@SUM(A1)", "+86 371 1234", ""],
    ["-1+2", "", EVIL_LINK, "县级", "部门", "-张三", "-", ""],
    ["@单位", "'=别名", "青海省人民政府", "县级", "部门", "'单引号", "\t=1+1", ""],
]
SITES = [
    ["6328010001", "=1+1网站", "http://www.geermu.gov.cn/", "", "", "部门网站", EVIL_LINK,
     "-1+2", "正常运行"],
    ["6328010002", "+门户", "http://www.example.gov.cn/", "", "", "政府门户网站", "青海省人民政府",
     "", "正常运行"],
]  # fmt: skip
COLUMNS = [["6328010001", "@通知公告", "", "通知公告政策文件类", f"{EVIL_LINK}；-1+2", "30"]]
ACCOUNTS = [
    ["微信订阅号", "=cmd|' /C calc'!A0", "-gh_0001", "-1+2", EVIL_LINK, "正常运行", "是", "", "",
     "是"],
]  # fmt: skip
HOSTILE_STARTS = ("=", "+", "-", "@", "\t", "\r")


def import_office_files(folder: Path) -> None:
    """The registry as an office sends it: csv files with the raw values, unescaped."""
    folder.mkdir()
    for name, headers, rows in (
        ("units", H.UNIT_HEADERS, UNITS),
        ("sites", H.SITE_HEADERS, SITES),
        ("columns", H.COLUMN_HEADERS, COLUMNS),
        ("accounts", H.ACCOUNT_HEADERS, ACCOUNTS),
    ):
        registry_import(write_csv(folder / f"{name}.csv", headers, rows))


def assert_no_formula(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
    workbook = openpyxl.load_workbook(path)
    assert all(
        cell.data_type != "f"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
    )


def workbook_cells(path: Path) -> dict[str, list[list[object]]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
        for ws in workbook.worksheets
    }


def test_formula_names_round_trip_through_xlsx_and_csv(tmp_path: Path) -> None:
    import_office_files(tmp_path / "office")
    evil = Unit.objects.get(name=EVIL_LINK)
    assert (evil.contact_person, evil.phone) == ("@SUM(A1)", "+86 371 1234")
    at = Unit.objects.get(name="@单位")
    assert at.phone == "=1+1"  # the tab is trimmed as in any cell
    assert at.contact_person == "'单引号"  # an apostrophe before plain text is data
    # An office csv may carry the escape too (typed in Excel as '=别名): it is removed.
    assert UnitAlias.objects.get(unit=at).alias == "=别名"
    assert Site.objects.get(site_code="6328010001").operating_unit == evil
    before = H.snapshot()

    exported = tmp_path / "registry.xlsx"
    registry_export(exported)
    assert_no_formula(exported)
    cells = workbook_cells(exported)
    assert cells["单位"][2][:7] == [
        EVIL_LINK, "=1+1", "青海省人民政府", "地市级", "部门", "@SUM(A1)", "+86 371 1234",
    ]  # fmt: skip
    assert cells["网站"][1][:2] == ["6328010001", "=1+1网站"]
    report = registry_import(exported)
    assert not report.changed
    assert H.snapshot() == before

    for entity in ("units", "sites", "columns", "accounts"):
        path = tmp_path / f"{entity}.csv"
        registry_export(path, entity)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in raw if cell.startswith(HOSTILE_STARTS)], entity
        if entity == "units":
            assert "'" + EVIL_LINK in raw and "'+86 371 1234" in raw and "'@SUM(A1)" in raw
            assert "'-1+2" in raw and "'-" in raw and "'=别名" in raw and "'单引号" in raw
        assert not registry_import(path).changed, entity
    assert H.snapshot() == before

    # Into an empty database: the export comes out again, cell for cell.
    for model in (Account, Column, Site, UnitAlias):
        model.objects.all().delete()
    Unit.objects.update(parent=None)
    Unit.objects.all().delete()
    registry_import(exported)
    again = tmp_path / "again.xlsx"
    registry_export(again)
    assert workbook_cells(again) == cells
