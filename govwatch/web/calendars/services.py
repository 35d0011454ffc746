"""Calendar services: the only way other code (CLI, views, tasks, checks) gets working days.

The counting rules are the engine's (govwatch.engine.workdays); work_calendar_load combines the
shipped year files with the years an office entered in the admin.
"""

from __future__ import annotations

from govwatch.engine.calendars import YearArrangement, load_arrangements, shipped_calendar_files
from govwatch.engine.workdays import WorkCalendar
from govwatch.web.calendars.models import CalendarYear


def work_calendar_load() -> WorkCalendar:
    """Shipped year files, then admin-entered years (which win for their year), then the package.

    Raises CalendarFileError when a stored year is inconsistent (the admin form refuses
    those, but a row written another way could still be).
    """
    by_year: dict[int, YearArrangement] = {
        a.year: a for a in load_arrangements(shipped_calendar_files())
    }
    for entry in CalendarYear.objects.select_related("entered_by"):
        by_year[entry.year] = entry.to_arrangement()
    return WorkCalendar(arrangements=tuple(by_year[year] for year in sorted(by_year)))


__all__ = ["work_calendar_load"]
