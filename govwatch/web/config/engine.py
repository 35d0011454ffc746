"""Engine wiring: the engine's config objects built from the settings, in one place.

The engine takes frozen dataclasses and never reads settings; every web app, task and
command that calls it gets its fetch config, scan config, default profile and check
context here, so a setting means the same thing on every path.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.clock import day_end
from govwatch.engine.crawl import ScanConfig
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.profiles import Profile, load_profile
from govwatch.engine.workdays import WorkCalendar


def fetch_config() -> FetchConfig:
    """The one fetch layer's settings: allowed private hosts and the host map."""
    host_map = []
    for pair in settings.GOVWATCH_RESOLVE:
        host, _, target = pair.partition("=")
        if host and target:
            host_map.append((host.strip().lower(), target.strip()))
    return FetchConfig(allow_hosts=tuple(settings.GOVWATCH_ALLOW_HOSTS), host_map=tuple(host_map))


def scan_config(
    scan_date: date, fetch: FetchConfig | None = None, **overrides: object
) -> ScanConfig:
    # Page text goes through the content checks unless a caller turns it off.
    overrides.setdefault("check_text", True)
    return ScanConfig(  # type: ignore[arg-type]
        fetch=fetch or fetch_config(), scan_date=scan_date, **overrides
    )


def profile_load(name: str | None = None) -> Profile:
    """A named or file profile; the configured default (GOVWATCH_PROFILE) when NAME is empty."""
    return load_profile(name or settings.GOVWATCH_PROFILE)


def check_context(
    point: date, *, period_start: date | None = None, calendar: WorkCalendar | None = None
) -> CheckContext:
    """Checks judge at the end of POINT's day in Beijing, on the official calendar."""
    from govwatch.web.calendars.services import work_calendar_load

    calendar = calendar or work_calendar_load()
    return CheckContext(
        monitoring_point=day_end(point),
        period_start=period_start,
        count_working_days=calendar.working_days_between,
    )
