"""Dates in the shapes government list and article pages show.

Full dates: 2024-06-28, 2024年6月28日, 2024/6/28, 2024.06.28 (optionally after 发布时间：).
Short dates without a year ([06-28], 06-28, 6月28日): the year comes from the item's URL
when it carries one (…/202406/t20240628_….html is the usual CMS shape), otherwise it is
the latest year that does not put the date after the scan date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_FULL = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
)
_SHORT = re.compile(r"(?<![\d\-/.年])(\d{1,2})\s*[-/月]\s*(\d{1,2})(?![\d\-/.])\s*日?")
_URL_YEAR_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(\d{2})(?:[-/_]?\d{2})?(?!\d)")


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, scan_date: date, context_url: str = "") -> date | None:
    """A year-less date placed in time by the URL or, failing that, the scan date."""
    for match in _URL_YEAR_MONTH.finditer(context_url):
        if int(match.group(2)) == month:
            found = _make(int(match.group(1)), month, day)
            if found is not None:
                return found
    # A list never shows future items, so the date is the latest one not after the scan
    # date (one day of slack for time zones and servers ahead of us).
    candidate = _make(scan_date.year, month, day)
    if candidate is None:  # 29 February of a non-leap year: go back to the last leap year
        for back in range(1, 8):
            candidate = _make(scan_date.year - back, month, day)
            if candidate is not None:
                return candidate
        return None
    if candidate > scan_date + timedelta(days=1):
        return _make(scan_date.year - 1, month, day)
    return candidate


def find_date(text: str, scan_date: date, context_url: str = "") -> date | None:
    """The first date shown in `text`, or None."""
    match = _FULL.search(text)
    if match:
        found = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found is not None:
            return found
    short = _SHORT.search(text)
    if short:
        month, day = int(short.group(1)), int(short.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return infer_year(month, day, scan_date, context_url)
    return None
