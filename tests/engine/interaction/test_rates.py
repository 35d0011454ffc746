from __future__ import annotations

from decimal import Decimal

import pytest

from govwatch.engine.interaction.rates import format_rate, percent


@pytest.mark.parametrize(
    ("num", "den", "decimals", "mode", "expected"),
    [
        (34, 43, 0, "half_up", "79%"),  # seed 003: 79.07
        (5, 43, 1, "half_up", "11.6%"),  # seed 003: 11.63
        (251, 286, 2, "half_up", "87.76%"),  # seed 004: 87.762
        (1517, 1521, 2, "half_up", "99.74%"),
        (291, 294, 1, "truncate", "98.9%"),  # seed 003 truncates this one
        (291, 294, 1, "half_up", "99.0%"),
        (1247, 1865, 1, "truncate", "66.8%"),
        (1247, 1865, 1, "half_up", "66.9%"),
        (1, 8, 1, "half_up", "12.5%"),
        (1, 400, 1, "half_up", "0.3%"),  # exactly 0.25: half up, not banker's rounding
        (0, 5, 2, "half_up", "0.00%"),
        (5, 5, 0, "half_up", "100%"),
    ],
)
def test_format_rate(num: int, den: int, decimals: int, mode: str, expected: str) -> None:
    assert format_rate(num, den, decimals, mode) == expected  # type: ignore[arg-type]


def test_zero_denominator_and_bad_input() -> None:
    assert percent(0, 0) is None
    assert format_rate(0, 0) == "—"
    assert format_rate(3, 0, empty="无") == "无"
    assert percent(251, 286) == Decimal("87.76")
    assert format_rate(251, 286, suffix="") == "87.76"
    with pytest.raises(ValueError):
        percent(-1, 3)
    with pytest.raises(ValueError):
        percent(1, 3, mode="floor")  # type: ignore[arg-type]
