"""Word output in 公文 layout (GB/T 9704-2012), editable by the office afterwards.

What the standard fixes and this module sets: A4 with margins 37/35/28/26 mm (top, bottom,
left, right); 22 lines of 28 characters (a fixed 28.95 pt line pitch on a document grid);
title in 方正小标宋简体 二号; body in 仿宋_GB2312 三号; first-level headings 黑体, second-level
楷体_GB2312; page numbers in 4号 宋体 as "— 1 —", odd pages right, even pages left; annexes
start on a new page with "附件1" in 黑体 at the top left. Fonts are set by name for East Asian
text too (w:eastAsia), since Word otherwise falls back to the Latin font for Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from govwatch.engine.reports.docx_style import (
    BODY_FONT,
    HEADING_FONT,
    LINE_PITCH,
    PAGE_NUMBER_FONT,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SUBHEADING_FONT,
    TITLE_FONT,
    WIDE_TABLE_COLUMNS,
    insert_in_order,
    keep_line_end_punctuation,
    set_fonts,
    set_language,
)
from govwatch.engine.reports.docx_tables import add_table
from govwatch.engine.reports.tables import Table

Style = Literal["heading1", "heading2", "body", "right"]


@dataclass(frozen=True)
class Para:
    text: str
    style: Style = "body"


Block = Para | Table


@dataclass(frozen=True)
class OfficialDocument:
    """A 公文: head (letterhead, number), title, addressee, body blocks, signature, annexes."""

    title: str
    body: tuple[Block, ...]
    letterhead: str = ""
    doc_number: str = ""
    addressee: str = ""
    signature: str = ""
    date_zh: str = ""
    contacts: tuple[str, ...] = ()
    annexes: tuple[Table, ...] = field(default_factory=tuple)


def _paragraph(
    doc: DocxDocument,
    text: str,
    font: str,
    size: Length,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    color: RGBColor | None = None,
) -> DocxParagraph:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH if size <= SIZE_3 else Pt(35)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    keep_line_end_punctuation(paragraph._p.get_or_add_pPr())
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # 首行缩进二字
    run = paragraph.add_run(text)
    set_fonts(run, font, size)
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(14)  # 页码在版心下边缘之下一行
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid only: LibreOffice reads a character grid (linesAndChars) against its own
    # default font size and spreads Chinese text far apart; 28 characters a line come from
    # the character spacing of body runs instead (see _fonts).
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = SIZE_3
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    set_language(rpr)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # the blank document's defaults say en-US
        for default_rpr in defaults.iter(qn("w:rPr")):
            set_language(default_rpr)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    run = paragraph.add_run()
    set_fonts(run, PAGE_NUMBER_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)


def _page_number(paragraph: DocxParagraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """ "— 1 —" with one character of space on the outer side (单页码居右空一字，双页码居左空一字)."""
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = SIZE_4
    else:
        paragraph.paragraph_format.left_indent = SIZE_4
    set_fonts(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
    _field(paragraph, " PAGE ")
    set_fonts(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def _red_rule(paragraph: DocxParagraph) -> None:
    """The red separator line under the document number (版头中的分隔线)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "4"),
        ("w:color", "FF0000"),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    insert_in_order(ppr, borders, "w:pBdr")


def _new_section(doc: DocxDocument, landscape: bool) -> None:
    """A wide annex (002 has 19 columns) gets a landscape page; margins turn with the page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long_side, short_side = Mm(297), Mm(210)
    section.page_width = long_side if landscape else short_side
    section.page_height = short_side if landscape else long_side
    if landscape:
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def write_docx(document: OfficialDocument, path: Path, base: Path | None = None) -> None:
    """Write ``document`` to PATH as is (wrap it in outputs.atomic_files for a final name);
    ``base`` is an office's own .docx whose styles and headers to keep."""
    doc = Document(str(base)) if base is not None else Document()
    if base is not None:
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    _page_setup(doc)
    red = RGBColor(0xFF, 0x00, 0x00)
    if document.letterhead:
        _paragraph(
            doc, document.letterhead, TITLE_FONT, Pt(32), align=WD_ALIGN_PARAGRAPH.CENTER, color=red
        )
    if document.doc_number:
        number = _paragraph(
            doc, document.doc_number, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER
        )
        _red_rule(number)
    _paragraph(doc, "", BODY_FONT, SIZE_3)
    _paragraph(doc, document.title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "", BODY_FONT, SIZE_3)
    if document.addressee:
        _paragraph(doc, document.addressee, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT)
    for block in document.body:
        if isinstance(block, Table):
            add_table(doc, block)
            continue
        font = {"heading1": HEADING_FONT, "heading2": SUBHEADING_FONT}.get(block.style, BODY_FONT)
        align = WD_ALIGN_PARAGRAPH.RIGHT if block.style == "right" else WD_ALIGN_PARAGRAPH.JUSTIFY
        _paragraph(doc, block.text, font, SIZE_3, align=align, indent=block.style != "right")
    # The annex list and the blank lines before the 落款 keep with it: when the 落款 does
    # not fit under the body, the list goes over with it (never a page holding the 落款
    # and the date alone, GB/T 9704-2012 7.3.5).
    keep = bool(document.signature)
    if document.annexes:
        _paragraph(doc, "", BODY_FONT, SIZE_3).paragraph_format.keep_with_next = keep
        for index, annex in enumerate(document.annexes, start=1):
            label = "附件：" if index == 1 else "　　　"
            text = (
                f"{label}{index}．{annex.title}"
                if len(document.annexes) > 1
                else f"附件：{annex.title}"
            )
            listed = _paragraph(doc, text, BODY_FONT, SIZE_3, indent=True)
            listed.paragraph_format.keep_with_next = keep
    if document.signature:
        _paragraph(doc, "", BODY_FONT, SIZE_3).paragraph_format.keep_with_next = True
        signature = _paragraph(
            doc, document.signature, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT
        )
        signature.paragraph_format.keep_with_next = True  # 落款 and date on one page
    if document.date_zh:
        date = _paragraph(doc, document.date_zh, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
        date.paragraph_format.keep_with_next = bool(document.contacts)
    for line in document.contacts:
        _paragraph(doc, line, BODY_FONT, SIZE_3, indent=True)
    landscape = False
    for index, annex in enumerate(document.annexes, start=1):
        wide = len(annex.headings) > WIDE_TABLE_COLUMNS
        if wide != landscape:
            _new_section(doc, wide)
            landscape = wide
        else:
            _page_break(doc)
        _paragraph(doc, f"附件{index}", HEADING_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.LEFT)
        _paragraph(doc, annex.title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
        if annex.note:
            _paragraph(doc, annex.note, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
        add_table(doc, annex, 225.0 if landscape else 156.0)
    doc.save(str(path))
