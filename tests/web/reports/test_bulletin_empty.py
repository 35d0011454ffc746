"""`govwatch report bulletin` when there is nothing to report, and when there is no inspection."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest

from govwatch.cli import main
from govwatch.engine.reports.bulletin import NO_ANNEX_ZH, NOTHING_TO_REPORT_ZH
from govwatch.web.inspections.models import Inspection, InspectionResult
from govwatch.web.registry.models import Account, Site
from govwatch.web.registry.services import registry_import
from tests.web.registry import helpers as H

pytestmark = pytest.mark.django_db(transaction=True)


def test_quarter_with_nothing_to_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry_import(H.base_workbook(tmp_path / "registry.xlsx"))
    # Every site and account judged qualified, none with a finding.
    inspection = Inspection.objects.create(
        period="2024Q2",
        period_start=dt.date(2024, 4, 1),
        period_end=dt.date(2024, 6, 30),
        profile="cn-national-2019",
    )
    for site in Site.objects.all():
        InspectionResult.objects.create(inspection=inspection, site=site, verdict="qualified")
    for account in Account.objects.all():
        InspectionResult.objects.create(inspection=inspection, account=account, verdict="qualified")
    out = tmp_path / "out"

    args = ["report", "bulletin", "--period", "2024Q2", "--out", str(out), "--no-pdf"]
    assert main([*args, "--issuer", "格尔木市人民政府办公室"]) == 0

    assert sorted(p.name for p in out.iterdir()) == ["通报-2024Q2-附件.xlsx", "通报-2024Q2.docx"]
    text = "\n".join(p.text for p in docx.Document(str(out / "通报-2024Q2.docx")).paragraphs)
    assert "共检查政府网站2个，合格2个，不合格0个" in text
    assert NOTHING_TO_REPORT_ZH in text
    assert "整改情况" not in text and "附件：" not in text  # nothing to rectify, no annex
    workbook = openpyxl.load_workbook(out / "通报-2024Q2-附件.xlsx")
    assert workbook.sheetnames == ["说明"]
    assert workbook["说明"]["A1"].value == NO_ANNEX_ZH
    assert "通报（Word）" in capsys.readouterr().out


def test_period_without_inspection_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "通报-2024Q1.docx").write_bytes(b"an older bulletin")

    assert main(["report", "bulletin", "--period", "2024Q2", "--out", str(out)]) == 2

    err = capsys.readouterr().err
    assert err.startswith("错误：") and "2024Q2" in err and "govwatch inspect" in err
    assert len(err.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["通报-2024Q1.docx"]
    assert (out / "通报-2024Q1.docx").read_bytes() == b"an older bulletin"
    assert not Inspection.objects.exists()  # no inspection made behind the user's back
