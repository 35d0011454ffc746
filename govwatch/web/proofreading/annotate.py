"""The annotated copy of a checked draft (docx): each finding highlighted in the text, a
bracketed note after it (rule, message, suggestion) and the same note as a Word comment,
then a table of all findings. Formatting of an uploaded original is not kept: the copy is
built from the text that was checked, so what is marked is exactly what was found."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from govwatch.web.proofreading.marks import Numbered, runs

NOTE_COLOR = RGBColor(0xC0, 0x00, 0x00)
AUTHOR = "govwatch 稿件校对"
# Characters XML 1.0 cannot hold (python-docx would refuse them): dropped from the copy.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def annotated_docx(title: str, text: str, items: list[Numbered], checked_at: str) -> bytes:
    document = Document()
    _font(document)
    document.add_heading(_xml(f"校对稿：{title}"), level=1)
    marked = sum(1 for item in items if item.in_place)
    document.add_paragraph(
        f"校对时间：{checked_at}；共发现 {len(items)} 处疑似问题（文中黄色标出 {marked} 处，"
        "方括号内为问题说明与修改建议，另见批注与文末列表）。以下为校对的正文。"
    )
    paragraph: Paragraph = document.add_paragraph()
    for piece, item in runs(text, items):
        lines = piece.split("\n")
        for i, line in enumerate(lines):
            if i:
                paragraph = document.add_paragraph()
            if not line:
                continue
            run = paragraph.add_run(_xml(line))
            if item is not None:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if item is not None:
            note = paragraph.add_run(_xml(f"〔{item.note()}〕"))
            note.font.color.rgb = NOTE_COLOR
            note.font.size = Pt(9)
            document.add_comment(note, text=_xml(item.note()), author=AUTHOR, initials="GW")
    document.add_heading("问题列表", level=2)
    if not items:
        document.add_paragraph("未发现问题。")
    else:
        table = document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, head in zip(
            table.rows[0].cells, ("序号", "位置", "原文", "问题", "建议", "规则"), strict=True
        ):
            cell.text = head
        for item in items:
            hit = item.hit
            row = table.add_row().cells
            values = (
                str(item.number),
                f"第 {hit.offset + 1} 字",
                hit.text,
                f"{item.severity_zh}·{item.category_zh}：{hit.message}",
                hit.suggestion,
                f"{hit.code} {hit.rule_id}",
            )
            for cell, value in zip(row, values, strict=True):
                cell.text = _xml(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
