"""Rates as bulletins print them (按期答复率 87.76%, 79%, 11.6%).

Rounding is not uniform across bulletins (003 truncates 98.979 to 98.9 but rounds 66.87 to
66.9), so decimals and mode are parameters a profile sets, never constants here.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

RoundingMode = Literal["half_up", "truncate"]
_MODES = {"half_up": ROUND_HALF_UP, "truncate": ROUND_DOWN}


def percent(
    numerator: int, denominator: int, decimals: int = 2, mode: RoundingMode = "half_up"
) -> Decimal | None:
    """numerator / denominator × 100 to ``decimals`` places; None when nothing was counted."""
    if denominator < 0 or numerator < 0:
        raise ValueError("比率的分子和分母不能为负数")
    if decimals < 0:
        raise ValueError("小数位数不能为负数")
    if mode not in _MODES:
        raise ValueError(f"未知的取舍方式：{mode}（应为 half_up 或 truncate）")
    if denominator == 0:
        return None
    # Exact decimal arithmetic: binary floats turn 87.755 into 87.75499… and round it down.
    with localcontext() as ctx:
        ctx.prec = 50
        value = Decimal(numerator) * 100 / Decimal(denominator)
        return value.quantize(Decimal(1).scaleb(-decimals), rounding=_MODES[mode])


def format_rate(
    numerator: int,
    denominator: int,
    decimals: int = 2,
    mode: RoundingMode = "half_up",
    *,
    suffix: str = "%",
    empty: str = "—",
) -> str:
    """``format_rate(251, 286)`` → ``"87.76%"``; ``empty`` when the denominator is 0."""
    value = percent(numerator, denominator, decimals, mode)
    if value is None:
        return empty
    return f"{value}{suffix}"
