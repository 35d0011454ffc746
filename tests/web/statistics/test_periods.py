"""Period labels offices write, and the months a quota is multiplied by."""

from __future__ import annotations

import datetime as dt

import pytest

from govwatch.engine.periods import PeriodError, months_covered, period_dates

D = dt.date


@pytest.mark.parametrize(
    ("label", "dates"),
    [
        ("2024", (D(2024, 1, 1), D(2024, 12, 31))),
        ("2024Q2", (D(2024, 4, 1), D(2024, 6, 30))),
        ("2024-q1", (D(2024, 1, 1), D(2024, 3, 31))),
        ("2024H2", (D(2024, 7, 1), D(2024, 12, 31))),
        ("2024-02", (D(2024, 2, 1), D(2024, 2, 29))),
        ("2024-05~2024-06", (D(2024, 5, 1), D(2024, 6, 30))),
        ("2023-11-27~2024-02-25", (D(2023, 11, 27), D(2024, 2, 25))),
        ("2024-05 至 2024-06", (D(2024, 5, 1), D(2024, 6, 30))),
    ],
)
def test_period_labels(label: str, dates: tuple[dt.date, dt.date]) -> None:
    assert period_dates(label) == dates


def test_bad_labels_are_named() -> None:
    with pytest.raises(PeriodError, match="无法识别的统计期「二季度」"):
        period_dates("二季度")
    with pytest.raises(PeriodError, match="早于"):
        period_dates("2024-06~2024-05")
    with pytest.raises(PeriodError):
        period_dates("2024-13")


def test_months_covered() -> None:
    assert months_covered(D(2024, 5, 1), D(2024, 6, 30)) == 2
    assert months_covered(D(2023, 11, 27), D(2024, 2, 25)) == 4
    assert months_covered(D(2024, 1, 1), D(2024, 12, 31)) == 12
