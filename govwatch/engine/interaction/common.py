"""Small shared pieces: reporting periods, Beijing wall-clock times, mailbox-export headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from govwatch.engine.clock import BEIJING
from govwatch.engine.rows import Field, RowErrors, match_headers
from govwatch.engine.tabular import Sheet


def china_naive(moment: dt.datetime) -> dt.datetime:
    """Beijing wall-clock time without tzinfo, so naive and aware records compare safely."""
    if moment.tzinfo is not None:
        return moment.astimezone(BEIJING).replace(tzinfo=None)
    return moment


def moment(value: object) -> dt.datetime | None:
    """A parsed timestamp cell, or None for a blank or refused one."""
    return value if isinstance(value, dt.datetime) else None


def end_of_day(day: dt.date) -> dt.datetime:
    """The last moment of a day: a report "as of 6月30日" includes answers sent that evening."""
    return dt.datetime.combine(day, dt.time.max)


def export_columns(
    sheet: Sheet, fields: Sequence[Field], errors: RowErrors
) -> dict[str, str] | None:
    """Columns by field key, or None after one error naming every missing column.

    Mailbox and test-log exports carry columns of their own, so unknown ones are ignored.
    """
    columns, _, _ = match_headers(sheet.headers, fields)
    missing = [f.header for f in fields if f.required and f.key not in columns]
    if missing:
        known = "、".join(f.header for f in fields)
        errors.add(sheet.name, 1, "", f"缺少列：{'、'.join(missing)}（可用的列：{known}）")
        return None
    return columns
