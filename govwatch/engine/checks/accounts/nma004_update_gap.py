"""NMA004 update-gap — 更新时间间隔超过7个自然日.

## What it checks
The interval between consecutive posts (natural days from one post's day to the
next), and the open interval from the last post to the monitoring point. One finding
per account listing every interval longer than ``max_gap_days``.

## Official source
Local rule of 格尔木市 格政办秘〔2024〕25号 (seed 000): 个别单位政务新媒体信息发布频率低，
更新时间间隔超7个自然日 (listed as a problem). Not a national item: off in
cn-national-2019, on in golmud-2024.

## Thresholds
``max_gap_days`` = 7: posts 7 days apart are fine, 8 days apart are a gap ("超" =
strictly more).

## Applies to
account.

## Unknowns
``posts is None`` gives an ``info`` finding with ``state: unknown``. Intervals are
clipped to the period (from ``period_start``): the part before it belongs to an
earlier period.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.accounts.common import account_finding, post_dates, unknown_posts
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import EvidenceValue, Finding, Severity

CODE = "NMA004"
SLUG = "update-gap"


@dataclass(frozen=True)
class Params:
    max_gap_days: int = 7


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    dates = post_dates(obs, ctx)
    if dates is None:
        return [unknown_posts(CODE, SLUG, obs)]
    if not dates:
        return []  # no post at all is NMA001's business, not a gap between posts
    ends = [*dates[1:], ctx.point_date]
    gaps: list[EvidenceValue] = []
    for before, after in zip(dates, ends, strict=True):
        if ctx.period_start is not None:
            if after < ctx.period_start:
                continue
            # Only the part of an interval inside the period belongs to this period.
            before = max(before, ctx.period_start)
        if (after - before).days > params.max_gap_days:
            gaps.append(
                {
                    "from": before.isoformat(),
                    "to": after.isoformat(),
                    "days": (after - before).days,
                    "open": after == ctx.point_date and after not in dates,
                }
            )
    if not gaps:
        return []
    return [
        account_finding(
            CODE,
            SLUG,
            obs,
            level,
            f"更新时间间隔超过{params.max_gap_days}个自然日（{len(gaps)}处）",
            {"max_gap_days": params.max_gap_days, "gaps": gaps},
        )
    ]


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="更新时间间隔过长",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
