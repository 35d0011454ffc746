from __future__ import annotations

import io
import logging

import docx
import pytest
from openpyxl import Workbook

from govwatch.engine.text.extract import ExtractError, decode_text, extract_text


def test_docx_paragraphs_and_tables() -> None:
    document = docx.Document()
    document.add_paragraph("推介会在新疆自治区举行。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "姓名"
    table.rows[0].cells[1].text = "张三"
    buf = io.BytesIO()
    document.save(buf)
    text = extract_text(buf.getvalue(), "通知.docx")
    assert "新疆自治区" in text
    assert "姓名\t张三" in text


def test_xlsx_cells() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "电话"])
    sheet.append(["李四", "13812345678"])
    buf = io.BytesIO()
    book.save(buf)
    assert "李四\t13812345678" in extract_text(buf.getvalue(), "名单.XLSX")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_plain_text_encodings(encoding: str) -> None:
    assert decode_text("格尔木市人民政府".encode(encoding)) == "格尔木市人民政府"


def test_unknown_or_broken_files() -> None:
    with pytest.raises(ExtractError):
        extract_text(b"x", "a.exe")
    with pytest.raises(ExtractError):
        extract_text(b"not a zip", "a.docx")


def test_pdf_roundtrip_when_pypdf_present() -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf 未安装：PDF 提取为可选功能")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    assert extract_text(buf.getvalue(), "空白.pdf").strip() == ""
    with pytest.raises(ExtractError):
        extract_text(b"%PDF-broken", "坏.pdf")


def test_a_repairable_pdf_flaw_is_read_without_flooding_stderr(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A wrong startxref offset makes pypdf log warnings; a scan of thousands of
    attachments must not print them, and the text is still read."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue().replace(b"startxref\n", b"startxref\n9")
    caplog.set_level(logging.DEBUG)  # whatever reaches a handler would reach stderr
    assert extract_text(data, "a.pdf") == ""
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
