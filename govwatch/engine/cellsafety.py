"""Spreadsheet safety in one place: no cell we write ever becomes a live formula.

Unit names, contacts, site names and account names come from offices and from the web; one
that starts with ``=`` (``=HYPERLINK("http://evil","点击")``) would run as a formula in the
workbook of whoever opens our export or the annex of a bulletin. Every .xlsx and .csv writer
of govwatch goes through this module, and the csv readers of ``engine.tabular`` undo its
escape, so export → import changes nothing.

The rule:

* xlsx: text is always stored as text (an inline string, never a ``<f>`` formula nor an
  error value such as ``#REF!``); text that starts with a formula character also gets
  Excel's quote prefix, so editing the cell in Excel keeps it text. Numbers and dates keep
  their types: a negative number handed over as a number stays a number.
* csv: a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return
  (OWASP "CSV injection") is written with one leading apostrophe ``'``. That includes
  phone numbers such as ``+86 371 1234`` and text such as ``-1``: Excel would evaluate
  ``+86-371`` as a formula. A text cell that starts with apostrophes followed by such a
  character gets one more apostrophe, so that the reader can tell an escape from a value.
  Numbers handed over as numbers are written as they are.
* reading csv: exactly one leading apostrophe is removed when what follows it (after any
  further apostrophes) starts with a formula character; any other apostrophe is data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = frozenset("=+-@\t\r")
ESCAPE = "'"
# A str value openpyxl would not store as text: a formula ("=…") or one of these error codes.
_ERROR_CODES = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)
# The first characters of every text that may need a guard, in csv or in xlsx.
_MAY_NEED = FORMULA_STARTS | {ESCAPE, "#"}


def _starts_formula(text: str) -> bool:
    return text.lstrip(ESCAPE)[:1] in FORMULA_STARTS


def csv_escape(value: object) -> object:
    """A csv cell as written: text that Excel could run as a formula gets a leading "'"."""
    if isinstance(value, str) and value and _starts_formula(value):
        return ESCAPE + value
    return value


def csv_unescape(value: str) -> str:
    """Undo ``csv_escape`` on a cell read from a csv file."""
    if value[:1] == ESCAPE and _starts_formula(value):
        return value[1:]
    return value


def csv_row(row: Iterable[object]) -> list[object]:
    # Exports reach a million rows: the common cell is tested inline, without a call.
    return [
        csv_escape(value) if isinstance(value, str) and value[:1] in _MAY_NEED else value
        for value in row
    ]


def csv_unescaped_rows(rows: Iterable[Sequence[str]]) -> Iterator[list[str]]:
    """Rows of a csv.reader with the escape of ``csv_escape`` removed."""
    for row in rows:
        yield [csv_unescape(value) if value[:1] == ESCAPE else value for value in row]


def _needs_guard(value: str) -> bool:
    return value[:1] in FORMULA_STARTS or value in _ERROR_CODES


def keep_text(cell: Any) -> Any:
    """An openpyxl cell whose str value stays text: never a formula nor an error value."""
    value = cell.value
    if isinstance(value, str) and value and _needs_guard(value):
        cell.data_type = "s"
        if value[:1] in FORMULA_STARTS:
            cell.quotePrefix = True
    return cell


def xlsx_value(worksheet: Any, value: object) -> object:
    """What to append to a write-only worksheet for VALUE: the value itself, or, for text
    openpyxl would turn into a formula or that starts with a formula character, a text cell."""
    if isinstance(value, str) and value and _needs_guard(value):
        return keep_text(WriteOnlyCell(worksheet, value))
    return value


def xlsx_row(worksheet: Any, row: Iterable[object]) -> list[object]:
    return [
        xlsx_value(worksheet, value) if isinstance(value, str) and value[:1] in _MAY_NEED else value
        for value in row
    ]
