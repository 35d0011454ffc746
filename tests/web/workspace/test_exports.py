"""导出Excel on every workspace list: the same rows as the filtered list (all pages of it),
nothing outside the scope, a working table (header, frozen panes, autofilter, widths, dates
as dates) and no cell that runs as a formula."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from govwatch.web.inspections.models import InspectionResult
from govwatch.web.inspections.services import finding_decide
from govwatch.web.registry.models import Site
from govwatch.web.workspace.exports import sheet_title, xlsx_write
from tests.web.workspace.conftest import World, make_finding


def _sheet(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def _table_shape(sheet: Any, rows: list[tuple[Any, ...]]) -> None:
    """Header frozen, autofilter over exactly the table."""
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(rows[0]))
    assert sheet.auto_filter.ref == f"A1:{last}{len(rows)}"


def _many_findings(world: World, n: int) -> None:
    result = InspectionResult.objects.get(inspection=world.inspection, site__site_code="1101000001")
    for i in range(n):
        finding = make_finding(result, "TXT001", "deduction", f"错别字第{i}处")
        finding.fingerprint = f"many-{i}"
        finding.target_id = f"{finding.target_id}?n={i}"
        finding.save()


def test_findings_export_has_every_row_of_the_filtered_list(world: World) -> None:
    _many_findings(world, 70)  # more than one page of 50
    client = world.client("sup")
    url = reverse("work-inspection", args=[world.inspection.pk])
    page = client.get(url)
    total = page.context["findings"].paginator.count
    assert total == 72 and page.context["findings"].paginator.num_pages == 2
    assert 'id="export-findings"' in page.content.decode()
    sheet = _sheet(client.get(url, {"format": "xlsx", "table": "findings", "page": "2"}))
    rows = _rows(sheet)
    assert rows[0] == (
        "类型", "网站标识码／平台", "名称", "指标代码", "性质", "状态", "问题描述", "问题位置", "已下发",
    )  # fmt: skip
    assert len(rows) - 1 == total
    _table_shape(sheet, rows)
    names = {row[2] for row in rows[1:]}
    assert names == {"甲市教育局网站", "甲市卫生健康委员会网站"}  # 乙市 is out of scope
    assert all("乙市" not in str(cell) for row in rows for cell in row)
    # The state filter is the page's: confirmed ones only.
    finding_decide(world.findings["a2"], "confirmed", "确认", world.users["sup"])
    filtered = client.get(url, {"state": "confirmed"}).context["findings"].paginator.count
    rows = _rows(_sheet(client.get(url, {"format": "xlsx", "state": "confirmed"})))
    assert len(rows) - 1 == filtered == 1 and rows[1][6] == "卫健委网站存在不可用链接"


def test_results_export_is_scoped(world: World) -> None:
    client = world.client("outsider")
    url = reverse("work-inspection", args=[world.inspection.pk])
    rows = _rows(_sheet(client.get(url, {"format": "xlsx", "table": "results"})))
    assert rows[0][:4] == ("类型", "网站标识码／平台", "名称", "结论")
    assert rows[1:] == [("网站", "1201000001", "乙市人民政府网站", "不合格", None, None)]


def test_inspections_export_dates_are_dates(world: World) -> None:
    client = world.client("sup")
    page = client.get(reverse("work-inspections"))
    assert "?format=xlsx" in page.content.decode()
    sheet = _sheet(client.get(reverse("work-inspections"), {"format": "xlsx"}))
    rows = _rows(sheet)
    assert rows[0][:3] == ("编号", "检查期", "开始日期") and len(rows) == 2
    _table_shape(sheet, rows)
    pk, period, start, end, _profile, _scope, created, results, open_, unsent = rows[1]
    assert (pk, period, results, open_, unsent) == (world.inspection.pk, "2024Q2", 2, 2, 0)
    assert start == dt.datetime(2024, 4, 1) and end == dt.datetime(2024, 6, 30)
    assert isinstance(created, dt.datetime)
    assert sheet.cell(2, 3).number_format == "yyyy-mm-dd"
    assert sheet.cell(2, 3).is_date and sheet.cell(2, 7).is_date


def test_lists_export_filters_and_scope(world: World, sent: dict[str, Any]) -> None:
    client = world.client("sup")
    url = reverse("work-lists")
    assert "format=xlsx" in client.get(url).content.decode()
    sheet = _sheet(client.get(url, {"format": "xlsx"}))
    rows = _rows(sheet)
    _table_shape(sheet, rows)
    assert rows[0][:2] == ("责任单位", "检查期")
    assert sorted(row[0] for row in rows[1:]) == ["甲市卫生健康委员会", "甲市教育局"]
    assert client.get(url).context["page"].paginator.count == len(rows) - 1
    # The page's filter: none of them is closed yet.
    assert len(_rows(_sheet(client.get(url, {"format": "xlsx", "state": "closed"})))) == 1
    open_rows = _rows(_sheet(client.get(url, {"format": "xlsx", "state": "open"})))
    assert len(open_rows) == 3 and "剩余" in open_rows[1][4]
    outsider = _rows(_sheet(world.client("outsider").get(url, {"format": "xlsx"})))
    assert [row[0] for row in outsider[1:]] == ["乙市人民政府"]


def test_list_items_export_both_sides(world: World, sent: dict[str, Any]) -> None:
    problem_list = sent["lists"]["a1"]
    rows = _rows(_sheet(world.client("sup").get(
        reverse("work-list", args=[problem_list.pk]), {"format": "xlsx"}
    )))  # fmt: skip
    assert rows[0][:3] == ("序号", "对象类型", "网站／账号")
    assert rows[1][2] == "甲市教育局网站" and rows[1][6] == "首页存在不可用链接" and len(rows) == 2
    # The unit's own portal: its list exports, without signing for it.
    portal = world.client("op1")
    got = _rows(
        _sheet(portal.get(reverse("portal-list", args=[problem_list.pk]), {"format": "xlsx"}))
    )
    assert got == rows
    problem_list.refresh_from_db()
    assert problem_list.received_at is None
    # Another unit's list is a 404, export or not.
    other = sent["lists"]["a2"]
    assert (
        portal.get(reverse("portal-list", args=[other.pk]), {"format": "xlsx"}).status_code == 404
    )
    assert (
        world.client("outsider")
        .get(reverse("work-list", args=[problem_list.pk]), {"format": "xlsx"})
        .status_code
        == 404
    )


def test_portal_lists_export(world: World, sent: dict[str, Any]) -> None:
    client = world.client("op2")
    assert "format=xlsx" in client.get(reverse("portal-home")).content.decode()
    sheet = _sheet(client.get(reverse("portal-home"), {"format": "xlsx"}))
    rows = _rows(sheet)
    _table_shape(sheet, rows)
    assert rows[0][0] == "检查期" and len(rows) == 2 and rows[1][0] == "2024Q2"
    assert rows[1][-3:] == (1, 0, 0)
    # A unit operator has no supervisor exports.
    assert client.get(reverse("work-lists"), {"format": "xlsx"}).status_code == 404


def test_stats_export_regions_and_units(world: World, sent: dict[str, Any]) -> None:
    client = world.client("sup")
    page = client.get(reverse("work-stats")).content.decode()
    assert 'id="export-regions"' in page and 'id="export-units"' in page
    rows = _rows(_sheet(client.get(reverse("work-stats"), {"format": "xlsx"})))
    assert rows[0][:3] == ("序号", "市(区)／省直单位", "办结率")
    assert [row[1] for row in rows[1:]] == ["甲市人民政府", "合计"]
    assert rows[-1][3:5] == (2, 0)
    units = _rows(_sheet(client.get(reverse("work-stats"), {"format": "xlsx", "table": "units"})))
    assert units[0][:4] == ("序号", "责任单位", "所属地区", "办结率")
    assert sorted(row[1] for row in units[1:]) == ["甲市卫生健康委员会", "甲市教育局"]
    everything = " ".join(str(c) for row in rows + units for c in row)
    assert "乙市" not in everything


def test_cells_never_become_formulas(world: World) -> None:
    Site.objects.filter(site_code="1101000001").update(name='=HYPERLINK("http://x","点")')
    world.findings["a1"].message = "+86 371 1234"
    world.findings["a1"].save()
    url = reverse("work-inspection", args=[world.inspection.pk])
    sheet = _sheet(world.client("sup").get(url, {"format": "xlsx"}))
    by_name = {row[2]: i for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)}
    at = by_name['=HYPERLINK("http://x","点")']
    assert sheet.cell(at, 3).data_type == "s" and sheet.cell(at, 7).value == "+86 371 1234"
    assert sheet.cell(at, 7).data_type == "s"


def test_xlsx_write_widths_and_title(tmp_path: Any) -> None:
    path = tmp_path / "t.xlsx"
    rows = [("甲" * 10, "ab", dt.date(2024, 1, 2)), ("x", "y" * 300, None)]
    assert xlsx_write(path, "问题/清单[1]", ["名称", ("说明", 33), "日期"], rows) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "问题_清单_1_"
    assert sheet.column_dimensions["A"].width == 22  # ten Chinese characters, two columns each
    assert sheet.column_dimensions["B"].width == 33  # fixed by the caller
    assert sheet.column_dimensions["C"].width == 12
    assert sheet_title("x" * 40) == "x" * 31


@pytest.mark.parametrize("persona", ["op1", "norole"])
def test_supervisor_exports_are_404_for_others(world: World, persona: str) -> None:
    client = world.client(persona)
    for url in (
        reverse("work-inspections"),
        reverse("work-inspection", args=[world.inspection.pk]),
        reverse("work-lists"),
        reverse("work-stats"),
    ):
        assert client.get(url, {"format": "xlsx"}).status_code == 404
