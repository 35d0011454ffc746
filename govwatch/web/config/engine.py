"""Engine wiring: the engine's config objects built from the settings, in one place.

The engine takes frozen dataclasses and never reads settings; every web app, task and
command that calls it gets its fetch config, scan config, default profile and check
context here, so a setting means the same thing on every path.
"""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import date
from pathlib import Path

from django.conf import settings

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.clock import day_end
from govwatch.engine.crawl import ScanConfig
from govwatch.engine.fetch.types import FetchConfig
from govwatch.engine.profiles import Profile, load_profile
from govwatch.engine.profiles.loader import PROFILE_DIR, SUFFIXES
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


# Parsed profiles by reference, each kept with the stamp of the files it may be read from:
# pages (办结率's format, the titles) ask on every request, and parsing the YAML cost a
# third of /supervise/stats/ (bench/workspace_bench.py).
_PROFILES: dict[tuple[str, str], tuple[tuple[tuple[str, int, int], ...], Profile]] = {}


def _profile_stamp(ref: str) -> tuple[tuple[str, int, int], ...]:
    """Name, mtime and size of every YAML file a reference may load: the folder of a
    profile given by path and the shipped folder (where ``extends`` finds its bases)."""
    folders = {PROFILE_DIR}
    if ref.endswith(SUFFIXES) or "/" in ref or "\\" in ref:
        folders.add(Path(ref).resolve().parent)
    stamp = []
    for folder in sorted(folders):
        with suppress(OSError):
            for path in sorted(folder.iterdir()):
                if path.suffix in SUFFIXES:
                    with suppress(OSError):
                        info = path.stat()
                        stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def profile_load(name: str | None = None) -> Profile:
    """A named or file profile; the configured default (GOVWATCH_PROFILE) when NAME is empty.

    Parsed once while its files are unchanged (a profile edited on disk is read again)."""
    ref = str(name or settings.GOVWATCH_PROFILE)
    key = (ref, os.getcwd())  # a relative path names another file from another folder
    stamp = _profile_stamp(ref)
    cached = _PROFILES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    profile = load_profile(ref)
    _PROFILES[key] = (stamp, profile)
    return profile


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
