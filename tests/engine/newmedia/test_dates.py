"""Post times: every shape gives a timezone-aware value; no zone means Beijing time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from govwatch.engine.clock import BEIJING
from govwatch.engine.newmedia.dates import local_date, parse_post_time

BJ = BEIJING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fri, 23 Feb 2024 09:30:00 +0800", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("Fri, 23 Feb 2024 01:30:00 GMT", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024-02-23T01:30:00Z", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024-02-23T09:30:00+08:00", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024-02-23 09:30:00", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024-02-23 09:30", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024/2/23 9:30", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024.02.23", datetime(2024, 2, 23, tzinfo=BJ)),
        ("2024年2月23日", datetime(2024, 2, 23, tzinfo=BJ)),
        ("2024年2月23日 9时30分", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("2024年02月23日 09:30:15", datetime(2024, 2, 23, 9, 30, 15, tzinfo=BJ)),
        ("1708651800", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
        ("1708651800000", datetime(2024, 2, 23, 9, 30, tzinfo=BJ)),
    ],
)
def test_shapes(text: str, expected: datetime) -> None:
    parsed = parse_post_time(text)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


@pytest.mark.parametrize("text", ["", "昨天", "2024-13-01", "2024年2月30日", "not a date"])
def test_unrecognised_is_none(text: str) -> None:
    assert parse_post_time(text) is None


def test_objects_and_default_zone() -> None:
    assert parse_post_time(datetime(2024, 2, 23, 9, 30)) == datetime(2024, 2, 23, 9, 30, tzinfo=BJ)
    assert parse_post_time(date(2024, 2, 23)) == datetime(2024, 2, 23, tzinfo=BJ)
    utc9 = timezone(timedelta(hours=9))
    assert parse_post_time("2024-02-23 10:30", default_tz=utc9) == datetime(
        2024, 2, 23, 9, 30, tzinfo=BJ
    )
    assert parse_post_time(None) is None
    assert parse_post_time(True) is None


def test_local_date_is_the_beijing_day() -> None:
    assert local_date(datetime(2024, 2, 22, 16, 0, tzinfo=UTC)) == date(2024, 2, 23)
    assert local_date(datetime(2024, 2, 22, 15, 59, 59, tzinfo=UTC)) == date(2024, 2, 22)
