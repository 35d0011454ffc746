"""Column update windows shared by the column indicators (UPD002, UPD003, UPD005).

Windows are written as ``"14d"`` (natural days) or ``"6mo"`` (calendar months). A
column is stale at the monitoring point when its newest item is older than the
window; an item on the window's first day still counts as an update ("监测时间点前
2周内" includes the day exactly 14 days back).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeAlias

from govwatch.engine.checks.base import months_before
from govwatch.engine.checks.inputs import ColumnObservation

_DURATION = re.compile(r"^(\d+)(d|mo)$")

ColumnState: TypeAlias = Literal["fresh", "stale", "blank", "unknown", "not_applicable"]


def parse_window(text: str) -> tuple[int, str]:
    """``"14d"`` -> (14, "d"); ``"6mo"`` -> (6, "mo"); anything else is a ValueError."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"时间窗口格式应为 14d 或 6mo，实际为 {text!r}")
    return int(match.group(1)), match.group(2)


def window_zh(window: str) -> str:
    """``"14d"`` -> ``"14天"``, ``"6mo"`` -> ``"6个月"`` for messages."""
    amount, unit = parse_window(window)
    return f"{amount}天" if unit == "d" else f"{amount}个月"


def window_start(point: date, window: str) -> date:
    """First day that still counts as "within the window" before ``point``."""
    amount, unit = parse_window(window)
    if unit == "d":
        return point - timedelta(days=amount)
    return months_before(point, amount)


def _months_after(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def stale_from(newest: date, window: str) -> date:
    """First monitoring date on which a column whose newest item is ``newest`` is stale."""
    amount, unit = parse_window(window)
    if unit == "d":
        return newest + timedelta(days=amount + 1)
    return _months_after(newest, amount) + timedelta(days=1)


@dataclass(frozen=True)
class ColumnStatus:
    column: ColumnObservation
    state: ColumnState
    window: str | None
    days_until_stale: int | None


def column_status(
    column: ColumnObservation,
    point: date,
    windows: Mapping[str, str],
    *,
    top_level_only: frozenset[str] = frozenset(),
) -> ColumnStatus:
    """Classify one column. ``top_level_only`` names kinds whose window applies only to
    first-level columns (19号 limits the 6-month notice/policy class to 一级栏目)."""
    window = windows.get(column.kind)
    if window is not None and column.kind in top_level_only and not column.top_level:
        window = None
    if not column.fetch_ok:
        return ColumnStatus(column, "unknown", window, None)
    if column.item_count == 0:
        # W-D10: a blank column is judged as blank only, never again as stale.
        return ColumnStatus(column, "blank", window, None)
    if window is None:
        return ColumnStatus(column, "not_applicable", None, None)
    if column.newest_date is None:
        # Undated items count as not updated (2015 普查 note, the safe default).
        return ColumnStatus(column, "stale", window, None)
    if column.newest_date < window_start(point, window):
        return ColumnStatus(column, "stale", window, None)
    left = (stale_from(column.newest_date, window) - point).days
    return ColumnStatus(column, "fresh", window, left)


def days_until_count(statuses: list[ColumnStatus], current: int, needed: int) -> int | None:
    """Days until ``needed`` columns are stale if nothing is updated, or None if the fresh
    columns can never make up the difference."""
    missing = needed - current
    if missing <= 0:
        return 0
    lefts = sorted(s.days_until_stale for s in statuses if s.days_until_stale is not None)
    if len(lefts) < missing:
        return None
    return lefts[missing - 1]
