"""The bulletin's annex workbook goes to other units: a unit or site named like a formula is
printed there as text, never as a live formula."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from govwatch.web.inspections.models import Inspection, InspectionFinding, InspectionResult
from govwatch.web.registry.models import Site
from govwatch.web.registry.services import registry_import
from govwatch.web.reports.services import bulletin_write
from tests.helpers import write_csv
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db(transaction=True)

SITE_NAME = '=HYPERLINK("http://evil","点击")'


def test_annex_workbook_has_no_formula(tmp_path: Path) -> None:
    registry_import(
        write_csv(
            tmp_path / "units.csv",
            H.UNIT_HEADERS,
            [["=1+1", "", "", "地市级", "政府", "", "", ""]],
        )
    )
    site = ["6328010001", SITE_NAME, "http://www.geermu.gov.cn/", "", "", "政府门户网站", "=1+1",
            "", "正常运行"]  # fmt: skip
    registry_import(write_csv(tmp_path / "sites.csv", H.SITE_HEADERS, [site]))
    inspection = Inspection.objects.create(
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )
    result = InspectionResult.objects.create(
        inspection=inspection, site=Site.objects.get(), verdict="unqualified"
    )
    InspectionFinding.objects.create(
        result=result,
        code="AVL001",
        slug="home_unreachable",
        severity="veto",
        target_kind="home_page",
        target_id="http://www.geermu.gov.cn/",
        message="首页无法访问",
        evidence={"problem_type": "@首页无法访问"},
    )

    files = bulletin_write(inspection, tmp_path / "out", pdf=False)

    with zipfile.ZipFile(files.xlsx) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
    workbook = openpyxl.load_workbook(files.xlsx)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert {"=1+1", SITE_NAME, "@首页无法访问"} <= values  # printed as the text it is
    assert 1 in values  # the row number (序号) stays a number
