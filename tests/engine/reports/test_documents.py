"""The bulletin as docx (read back with python-docx), xlsx and, when LibreOffice exists, pdf."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from govwatch.engine.reports.bulletin import BulletinData, compose, load_template
from govwatch.engine.reports.docx_writer import OfficialDocument, Para, write_docx
from govwatch.engine.reports.pdf import NOT_INSTALLED_ZH, docx_to_pdf, find_converter
from govwatch.engine.reports.tables import Table, format_cell, heading_levels
from govwatch.engine.reports.xlsx_writer import write_xlsx

from .issued import office_template
from .sample_bulletin import all_seed_tables, sample_document, write_sample


def expected_grid(table: Table) -> list[list[str]]:
    """Cell texts as python-docx reports them: a merged cell repeats over its span."""
    width = len(table.headings)
    grid = []
    for row in table.rows:
        values = [format_cell(c) for c in row.cells]
        if row.kind == "section" or len(values) < width:
            grid.append([values[0]] * width)
        elif row.kind == "total" and values[1] == "":
            grid.append([values[0], values[0], *values[2:]])
        else:
            grid.append(values)
    return grid


def test_docx_contains_every_annex_table(tmp_path: Path) -> None:
    document = sample_document()
    read = docx.Document(str(write_sample(tmp_path)))
    assert len(read.tables) == len(document.annexes) == 8
    for annex, table in zip(document.annexes, read.tables, strict=True):
        depth = len(heading_levels(annex.headings))
        body = [[cell.text for cell in row.cells] for row in table.rows[depth:]]
        assert body == expected_grid(annex), annex.title
        top = [cell.text for cell in table.rows[0].cells]
        assert top[0] == annex.headings[0].split("/")[0]
    texts = [p.text for p in read.paragraphs]
    for index, annex in enumerate(document.annexes, start=1):
        assert f"附件{index}" in texts
        assert annex.title in texts
    for heading in ("一、总体情况", "二、存在问题", "三、下一步工作要求"):
        assert heading in texts


def test_docx_contains_every_seed_table(tmp_path: Path) -> None:
    annexes = tuple(all_seed_tables())
    assert len(annexes) == 17
    path = tmp_path / "all.docx"
    write_docx(OfficialDocument(title="种子附件表", body=(), annexes=annexes), path)
    read = docx.Document(str(path))
    assert len(read.tables) == len(annexes)
    for annex, table in zip(annexes, read.tables, strict=True):
        depth = len(heading_levels(annex.headings))
        assert [[c.text for c in row.cells] for row in table.rows[depth:]] == expected_grid(annex)
    # Spot values, so the comparison cannot pass on an empty or shifted table.
    totals = [[c.text for c in t.rows[-1].cells] for t in read.tables]
    assert totals[0] == ["总计", "总计", "25273", "3068", ""]
    assert totals[8][2:4] == ["479", "1287"]
    assert totals[16][2:5] == ["99.75%", "404", "403"]


def test_docx_layout_follows_gbt_9704(tmp_path: Path) -> None:
    read = docx.Document(str(write_sample(tmp_path)))
    first = read.sections[0]
    # Word stores twips, so compare in whole millimetres.
    margins = (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    assert [round(Mm(m).mm if m is None else m.mm) for m in margins] == [37, 35, 28, 26]
    title = next(p for p in read.paragraphs if p.text.endswith("的通报"))
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    heading = next(p for p in read.paragraphs if p.text == "一、总体情况")
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    body = next(p for p in read.paragraphs if p.text.startswith("（一）检查情况"))
    assert body.runs[0].font.size == Pt(16)
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    footer = first.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml and footer.runs[0].font.size == Pt(14)
    assert any(s.orientation == 1 for s in read.sections)  # the 19-column annex is landscape
    # Text generated from data: counts, rates and named units.
    assert "合格291个，不合格3个，合格率为98.98%" in body.text
    assert "“开封教育体育”等16个政务新媒体" in body.text
    grid = first._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"
    # 28 characters a line: 16 pt less the run spacing, times 28, fits the 156 mm type width.
    spacing = body.runs[0]._element.rPr.find(qn("w:spacing"))
    assert (16 + int(spacing.get(qn("w:val"))) / 20) * 28 <= Mm(156).pt < 16.5 * 28


def test_bulletin_text_is_generated_from_the_data(tmp_path: Path) -> None:
    document = sample_document()
    paragraphs = [p.text for p in document.body if isinstance(p, Para)]
    text = "\n".join(paragraphs)
    assert "共检查政府网站43个，合格43个，不合格0个，合格率为100.00%" in text
    # Buckets with their counts, and the on-time rate (1 + 5 working days: 38 of 43).
    assert "1个工作日内答复34家，5个工作日内答复4家，大于5个工作日回复1家，未回复4家" in text
    assert "按期答复率为88.37%（详见附件3）" in text
    assert "转办的问题清单404个，其中已办结403个，办结率为99.75%" in text
    assert "市公安局“开封市反诈骗中心”抖音监测时间点前两周内无更新" in text  # 004's wording
    assert "“开封市统计局”网“统计数据”栏目长期未更新（详见附件6）" in text
    assert "将“国务院办公厅”错写为“国务院办公室”" in text
    assert (
        "市工业和信息化局、市粮食和储备局、市公安局、市生态环境局、市乡村振兴局未在规定时间内"
        in text
    )
    assert "31个栏目共发布信息1478条" in text
    headings = [p.text for p in document.body if isinstance(p, Para) and p.style == "heading1"]
    assert headings == ["一、总体情况", "二、存在问题", "三、下一步工作要求"]
    assert document.title.endswith("关于2024年第一季度政府网站和政务新媒体检查情况的通报")
    # Annexes numbered in the order the text first cites them; the uncited extra last.
    assert [a.title for a in document.annexes] == [
        "2024年第一季度不合格的政务新媒体",
        "2024年第一季度优秀的政务新媒体",
        "2024年第一季度政府网站互动回应检查情况",
        "2024年第一季度问题清单办理情况统计表",
        "2024年第一季度栏目信息发布统计表",
        "2024年第一季度存在问题的政府网站",
        "2024年第一季度存在问题的政务新媒体",
        "2024年5—6月份信息报送采用情况统计表",
    ]


def test_office_template_is_editable(tmp_path: Path) -> None:
    template = tmp_path / "office.yaml"
    template.write_text(
        "letterhead: 格尔木市人民政府办公室\n"
        "doc_number: 格政办秘〔2024〕25号\n"
        "title: 关于{period}政府网站运维情况的通报\n"
        "signature: 格尔木市人民政府办公室\n"
        "date_zh: 2024年7月25日\n"
        "contacts: [联系人：董慧澎　电话：8415161]\n"
        "rate_decimals: 1\n"
        "rate_mode: truncate\n",
        encoding="utf-8",
    )
    office = load_template(template)
    document = compose(
        BulletinData(
            "2024年第二季度",
            10,
            294,
            unqualified_accounts=[
                {
                    "account_name": "甲",
                    "supervising_unit": "乙",
                    "platform": "抖音",
                    "problem_type": "丙",
                }
            ]
            * 3,
        ),
        office,
    )
    path = tmp_path / "b.docx"
    write_docx(document, path)
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    for wanted in (
        "格尔木市人民政府办公室",
        "格政办秘〔2024〕25号",
        "关于2024年第二季度政府网站运维情况的通报",
        "2024年7月25日",
        "联系人：董慧澎　电话：8415161",
    ):
        assert wanted in texts
    # The template's rate format: one decimal, truncated (291/294 -> 98.9%).
    assert any("合格率为98.9%" in t for t in texts)
    # An office's own .docx as the base: its body is replaced, its styles stay.
    again = tmp_path / "again.docx"
    write_docx(document, again, base=path)
    assert [p.text for p in docx.Document(str(again)).paragraphs] == texts


def test_xlsx_holds_the_same_tables(tmp_path: Path) -> None:
    document = sample_document()
    path = tmp_path / "tables.xlsx"
    write_xlsx(document.annexes, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [f"附件{i}" for i in range(1, 9)]
    for annex, sheet in zip(document.annexes, book.worksheets, strict=True):
        depth = len(heading_levels(annex.headings))
        assert sheet.cell(1, 1).value == f"{sheet.title} {annex.title}"
        for offset, row in enumerate(annex.rows):
            got = [sheet.cell(2 + depth + offset, col + 1).value for col in range(len(row.cells))]
            assert [format_cell(v) if v is not None else "" for v in got] == [
                format_cell(c) for c in row.cells
            ]


def test_pdf_reports_clearly_when_libreoffice_is_missing(tmp_path: Path) -> None:
    result = docx_to_pdf(tmp_path / "x.docx", tmp_path, search_path=str(tmp_path))
    assert not result.ok and result.message_zh == NOT_INSTALLED_ZH


def test_pdf_with_libreoffice(tmp_path: Path) -> None:
    if find_converter() is None:
        pytest.skip("未安装 LibreOffice（soffice/libreoffice 不在 PATH 中），跳过 PDF 转换")
    result = docx_to_pdf(write_sample(tmp_path), tmp_path / "pdf")
    assert result.ok, result.message_zh
    assert result.path is not None and result.path.read_bytes().startswith(b"%PDF")


def test_account_problems_other_than_updates_get_a_neutral_heading() -> None:
    def problems_text(problem_types: list[str]) -> str:
        rows = tuple(
            {"account_name": f"号{i}", "supervising_unit": "市政府办", "platform": "抖音",
             "problem_type": kind}
            for i, kind in enumerate(problem_types)
        )  # fmt: skip
        data = BulletinData(
            "2024年第三季度", sites_checked=0, accounts_checked=2, problem_accounts=rows
        )
        document = compose(data, office_template())
        return "\n".join(p.text for p in document.body if isinstance(p, Para))

    assert "政务新媒体更新不及时。" in problems_text(["一周未更新两次", "监测时间点前两周内无更新"])
    mixed = problems_text(["一周未更新两次", "账号名称或主体与登记不一致"])
    assert "部分政务新媒体存在问题。" in mixed and "更新不及时。" not in mixed
