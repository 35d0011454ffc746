"""Beijing time, the one clock of the bulletins.

Natural days, working days and monitoring points are counted in Beijing local time.
Mainland China has no daylight saving, so a fixed +08:00 offset is exact (and cheaper
than a zoneinfo lookup on every comparison). Every aware datetime the engine builds or
compares for a judgement uses this zone.
"""

from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def beijing(moment: dt.datetime) -> dt.datetime:
    """MOMENT as an aware Beijing time; a naive value is taken to be Beijing time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def day_end(day: dt.date) -> dt.datetime:
    """The last second of DAY in Beijing: the monitoring point of a scan or a period."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=BEIJING)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)
