"""The bulletin from a real inspection of the scanned demo farm, read back from the docx."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from demo.farm import Farm, FarmServer
from govwatch.engine.periods import quarter_label
from govwatch.web.inspections.services import inspection_run
from govwatch.web.registry.models import Site
from govwatch.web.reports.services import bulletin_write, period_zh
from govwatch.web.scans.services import sites_scan
from tests.web.inspections.test_inspect_farm import week_of_probes

pytestmark = pytest.mark.django_db(transaction=True)


def test_bulletin_names_the_unqualified_site(farm: Farm, tmp_path: Path) -> None:
    with FarmServer(farm) as server:
        sites_scan(
            Site.objects.all(), scan_date=farm.scan_date, fetch=server.fetch_config(), processes=1
        )
    week_of_probes(farm)  # the national profile judges availability over a week of probes
    day = farm.scan_date
    inspection = inspection_run(quarter_label(day))
    files = bulletin_write(inspection, tmp_path / "out", doc_number="测试〔2024〕1号", pdf=False)

    document = docx.Document(str(files.docx))
    text = "\n".join(p.text for p in document.paragraphs)
    assert period_zh(inspection) in text
    assert "一、总体情况" in text and "二、存在问题" in text and "三、下一步工作要求" in text
    # dm1…dm4 and the fixable dm6 judged (dm5 cannot be reached): only dm3 fails.
    assert "共检查政府网站5个，合格4个，不合格1个" in text.replace(" ", "")
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    unqualified = [row for row in cells if "示范区人民政府" in row]
    assert len(unqualified) == 1  # one row per site, its problems joined
    assert "咨询" in unqualified[0][-1] and "严重表述错误" in unqualified[0][-1]
    assert "将“新疆维吾尔自治区”错写为“新疆自治区”" in text  # the planted wrong expression
    workbook = openpyxl.load_workbook(files.xlsx)
    assert workbook.sheetnames[0] == "附件1"
    assert files.pdf is None
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [files.docx.name, files.xlsx.name]
    )  # nothing temporary left beside them


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2024Q2", "2024年第二季度"),
        ("2024-06", "2024年6月"),
        ("2024-01-01:2024-02-15", "2024年01月01日至2024年02月15日"),
    ],
)
def test_period_labels(period: str, label: str) -> None:
    from govwatch.web.inspections.models import Inspection
    from govwatch.web.inspections.services import period_parse

    parsed = period_parse(period)
    inspection = Inspection(period=parsed.label, period_start=parsed.start, period_end=parsed.end)
    assert period_zh(inspection) == label
