"""Shared 公文 type settings (GB/T 9704-2012) for the docx writer and its tables.

Fonts are set by name for East Asian text too (w:eastAsia), since Word otherwise falls back
to the Latin font for Chinese; a machine without the fonts substitutes its own.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.text.run import Run

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号: annex tables are denser than body text
WIDE_TABLE_SIZE = Pt(9)  # 小五 for annexes of more than WIDE_TABLE_COLUMNS columns
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm type area
CHAR_SPACING_TWENTIETHS = -5
WIDE_TABLE_COLUMNS = 9

# Schema order of the properties this module adds (ECMA-376 CT_PPr / CT_RPr): each tag's
# successors. Word reports a file as damaged when properties come out of order.
_PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_SUCCESSORS = {
    "w:spacing": (
        "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
        "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
        "w:eastAsianLayout", "w:specVanish", "w:oMath",
    ),
    "w:pBdr": (
        "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", *_PPR_AFTER_SNAP,
    ),
    "w:snapToGrid": _PPR_AFTER_SNAP,
    "w:overflowPunct": (
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
        "w:snapToGrid", *_PPR_AFTER_SNAP,
    ),
    "w:lang": ("w:eastAsianLayout", "w:specVanish", "w:oMath"),
}  # fmt: skip
# The language of the text. python-docx's blank document says en-US even for East Asian
# text; LibreOffice then neither applies the Chinese punctuation rules nor asks fontconfig
# for a Chinese face, and gets its default CJK one (Japanese).
LANGUAGE = "zh-CN"
# Digits and Latin letters keep a Western language, as Chinese Word documents do: with zh-CN
# there LibreOffice breaks lines inside numbers (〔201 / 9〕).
WESTERN_LANGUAGE = "en-US"


def insert_in_order(parent: Any, child: Any, tag: str) -> None:
    """Insert ``child`` (a ``tag`` element) before the first sibling that must follow it."""
    parent.insert_element_before(child, *_SUCCESSORS[tag])


def keep_line_end_punctuation(ppr: Any) -> None:
    """w:overflowPunct on, stated explicitly.

    Measured with LibreOffice 7.4 and Noto Serif CJK SC: without it (or with it off) a
    comma that falls just past a full line of 28 characters was dropped from the PDF; with
    it on LibreOffice carries the last character and the comma to the next line, and Word
    hangs the comma in the margin as usual. Either way the comma is printed.
    """
    element = OxmlElement("w:overflowPunct")
    element.set(qn("w:val"), "1")
    insert_in_order(ppr, element, "w:overflowPunct")


def set_language(rpr: Any) -> None:
    """w:lang eastAsia = zh-CN (val = en-US) on a run's or a style's properties, replacing any."""
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), WESTERN_LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    insert_in_order(rpr, lang, "w:lang")


def set_fonts(run: Run, name: str, size: Length, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    if size == SIZE_3:
        # 28 characters in the 156 mm type width: 三号 (16 pt) is a little too wide, so each
        # character gives back a quarter point (w:spacing is in twentieths of a point).
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING_TWENTIETHS))
        insert_in_order(rpr, spacing, "w:spacing")
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    fonts.set(qn("w:hint"), "eastAsia")
    set_language(rpr)
