"""NMA001 account-not-updated — 监测时间点前两周内无更新.

## What it checks
Whether the account published anything in the window before the monitoring point.
Below the line, an early warning after ``warn_after_days`` days without a post, with
the days left before the veto.

## Official source
国办秘函〔2019〕19号, 政务新媒体 单项否决「内容不更新」: 监测时间点前2周内无更新 ⇒
单项否决 (wording used verbatim in seed 003 开封: 「在监测时间点前两周内无更新，不合格」).
The 10-day warning is our default, mirroring the home-page warning.

## Thresholds
- ``window_days`` = 14: a post exactly 14 days before still counts; 15 days ⇒ line.
- ``warn_after_days`` = 10.

## Applies to
account.

## Unknowns
``posts is None`` (the source failed) gives an ``info`` finding with
``state: unknown``, never a veto. An empty tuple means no posts at all: on the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.accounts.common import account_finding, post_dates, unknown_posts
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import EvidenceValue, Finding, Severity

CODE = "NMA001"
SLUG = "account-not-updated"


@dataclass(frozen=True)
class Params:
    window_days: int = 14
    warn_after_days: int = 10


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    dates = post_dates(obs, ctx)
    if dates is None:
        return [unknown_posts(CODE, SLUG, obs)]
    if not dates:
        return [
            account_finding(
                CODE,
                SLUG,
                obs,
                level,
                "监测时间点前无任何发布",
                {"window_days": params.window_days, "last_post": None},
            )
        ]
    days = (ctx.point_date - dates[-1]).days
    evidence: dict[str, EvidenceValue] = {
        "window_days": params.window_days,
        "last_post": dates[-1].isoformat(),
        "days_since_post": days,
    }
    if days > params.window_days:
        return [
            account_finding(
                CODE,
                SLUG,
                obs,
                level,
                f"监测时间点前{params.window_days}天内无更新（{days}天未更新）",
                dict(evidence),
            )
        ]
    if days > params.warn_after_days:
        left = params.window_days + 1 - days
        return [
            account_finding(
                CODE,
                SLUG,
                obs,
                "warning",
                f"已{days}天未更新，距单项否决还剩{left}天",
                {**evidence, "days_left": left},
            )
        ]
    return []


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="监测时间点前两周内无更新",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
