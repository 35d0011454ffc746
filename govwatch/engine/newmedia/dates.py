"""Post times in the shapes feeds and platform exports use, always timezone-aware.

RFC 822 (RSS ``pubDate``), ISO 8601 (Atom, JSON Feed), and the forms Chinese exports
and pages show (2024-06-28 10:30, 2024/6/28, 2024年6月28日 10时30分, 2024.06.28).
A time without a zone is Beijing time: that is what the platforms' back offices show
and what the bulletins count natural days in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from govwatch.engine.clock import BEIJING

_CN = re.compile(
    r"^\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?\s*(?:[:：]?\s*(\d{1,2})\s*秒?)?"
    r"(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_EPOCH_S = re.compile(r"^\d{9,10}$")


def _zone(text: str | None, default: tzinfo) -> tzinfo:
    if not text:
        return default
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


# Years a post can carry (the Chinese shapes' own 19xx/20xx): 0001-01-01 or 9999-12-31
# read by the ISO parser are no post time, and one zone shift away from OverflowError.
FIRST_YEAR, LAST_YEAR = 1900, 2099


def parse_post_time(value: object, default_tz: tzinfo = BEIJING) -> datetime | None:
    """A timezone-aware datetime, or None when ``value`` is not a recognisable time.

    ``value`` may be a string, a datetime (naive means ``default_tz``), a date (midnight)
    or a Unix timestamp in seconds or milliseconds (some platform exports use them).
    A time outside the years FIRST_YEAR–LAST_YEAR is not recognised either.
    """
    parsed = _parse(value, default_tz)
    if parsed is None or not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None
    return parsed


def _parse(value: object, default_tz: tzinfo) -> datetime | None:
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=default_tz)
    elif isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=default_tz)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
    else:
        return None
    # The C parser covers the common export shape (2024-06-28 10:30:00) fastest, so it
    # goes first: this function runs once per imported row.
    try:
        parsed: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None and not text.isdigit():
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=default_tz)
    if text.isdigit():
        if _EPOCH_MS.match(text):
            return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
        if _EPOCH_S.match(text):
            return datetime.fromtimestamp(int(text), tz=UTC)
        return None
    match = _CN.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            return datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                tzinfo=_zone(zone, default_tz),
            )
        except ValueError:
            return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=default_tz)


def local_date(moment: datetime) -> date:
    """The Beijing natural day of ``moment`` (naive values are taken as Beijing time)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(BEIJING).date()
