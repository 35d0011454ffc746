"""NMA003 posting-rhythm — 动态类更新频率不足（5个自然日内至少发布1篇）.

## What it checks
Over the monitoring period (from ``CheckContext.period_start``, or the first post,
to the monitoring point) every run of ``window_days`` consecutive natural days must
contain a post. One finding per account listing each run of days without a post that
is ``window_days`` long or longer.

## Official source
Local rule of 格尔木市 格政办秘〔2024〕25号 (seed 000): 充分保障动态类栏目的更新频率和数量，
5个自然日内至少发布1篇. Not a national item: off in cn-national-2019, on in golmud-2024.
Golmud states it for the news-type columns of accounts; an account without columns is
judged as a whole.

## Thresholds
``window_days`` = 5: four empty days between two posts are fine, five are not.

## Applies to
account.

## Unknowns
``posts is None`` gives an ``info`` finding with ``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from govwatch.engine.checks.accounts.common import account_finding, post_dates, unknown_posts
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import EvidenceValue, Finding, Severity

CODE = "NMA003"
SLUG = "posting-rhythm"


@dataclass(frozen=True)
class Params:
    window_days: int = 5


def empty_runs(days: list[date], start: date, end: date) -> list[tuple[date, date]]:
    """Maximal runs of days in [start, end] without a post, as (first, last) pairs."""
    runs: list[tuple[date, date]] = []
    cursor = start
    for day in [d for d in days if start <= d <= end] + [end + timedelta(days=1)]:
        if day > cursor:
            runs.append((cursor, day - timedelta(days=1)))
        cursor = max(cursor, day + timedelta(days=1))
    return runs


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    dates = post_dates(obs, ctx)
    if dates is None:
        return [unknown_posts(CODE, SLUG, obs)]
    start = ctx.period_start or (dates[0] if dates else ctx.point_date)
    runs = [
        (a, b)
        for a, b in empty_runs(dates, start, ctx.point_date)
        if (b - a).days + 1 >= params.window_days
    ]
    if not runs:
        return []
    listed: list[EvidenceValue] = [
        {"from": a.isoformat(), "to": b.isoformat(), "days": (b - a).days + 1} for a, b in runs
    ]
    longest = max((b - a).days + 1 for a, b in runs)
    return [
        account_finding(
            CODE,
            SLUG,
            obs,
            level,
            f"存在连续{longest}个自然日未发布，未达到"
            f"{params.window_days}个自然日内至少发布1篇的要求",
            {"window_days": params.window_days, "empty_runs": listed},
        )
    ]


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="动态类更新频率不足",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
