"""Pass rates (合格率) and other rates, printed the way a bulletin prints them.

Bulletins do not round uniformly (seed 003 truncates 291/294 to 98.9 % but rounds
1247/1865 to 66.9 %), so the rounding is part of the profile (``rates`` section, per
kind of rate) and every helper takes it explicitly. Arithmetic is exact (Decimal from
integers), so 5/43 is never 11.627906976744185 plus float noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

from govwatch.engine.profiles.model import RateFormat, Rounding

TOTAL_ZH = "合计"


def percent(numerator: int, denominator: int, *, decimals: int, rounding: Rounding) -> Decimal:
    """100 × numerator / denominator at ``decimals`` places, rounded or truncated."""
    if denominator <= 0:
        raise ValueError("分母必须为正数")
    if numerator < 0 or numerator > denominator:
        raise ValueError("分子应在 0 到分母之间")
    with localcontext() as ctx:
        ctx.prec = 40
        exact = Decimal(100 * numerator) / Decimal(denominator)
        quantum = Decimal(1).scaleb(-decimals)
        mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_DOWN
        return exact.quantize(quantum, rounding=mode)


def format_percent(numerator: int, denominator: int, *, decimals: int, rounding: Rounding) -> str:
    """``format_percent(291, 294, decimals=1, rounding="truncate")`` -> ``"98.9%"``."""
    return f"{percent(numerator, denominator, decimals=decimals, rounding=rounding)}%"


def format_rate(numerator: int, denominator: int, fmt: RateFormat) -> str:
    """A rate in a profile's format (``profile.rate_format("pass_rate")``)."""
    return format_percent(numerator, denominator, decimals=fmt.decimals, rounding=fmt.rounding)


@dataclass(frozen=True)
class RateRow:
    region: str
    kind: str
    checked: int
    qualified: int
    rate_zh: str


def pass_rates(records: Iterable[tuple[str, str, bool]], fmt: RateFormat) -> list[RateRow]:
    """合格率 per (region, kind) from (region, kind, qualified) records.

    ``kind`` is what was checked (gov_website, gov_new_media_account …). Rows come
    sorted by region then kind, followed by one 合计 row per kind over all regions.
    """
    counts: dict[tuple[str, str], list[int]] = {}
    for region, kind, qualified in records:
        for key in ((region, kind), (TOTAL_ZH, kind)):
            entry = counts.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += int(qualified)

    def order(key: tuple[str, str]) -> tuple[bool, str, str]:
        return (key[0] == TOTAL_ZH, key[0], key[1])

    return [
        RateRow(region, kind, checked, qualified, format_rate(qualified, checked, fmt))
        for (region, kind), (checked, qualified) in sorted(
            counts.items(), key=lambda i: order(i[0])
        )
    ]
