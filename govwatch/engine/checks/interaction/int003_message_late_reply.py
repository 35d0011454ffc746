"""INT003 message-late-reply — 留言答复不及时.

## What it checks
Citizen messages to the site's consultation channels received in the period (or the
``lookback_days`` before the monitoring point) that were answered more than
``limit_working_days`` official working days after they were received, or that are still
open past that limit at the monitoring point. One finding per message.

## Official source
国办秘函〔2019〕19号, 二、扣分指标「互动回应」: 留言办理答复不及时. The limit is a local
rule (seed 000 names the slow units without stating it; 5 working days is this profile's
default and a parameter).

## Thresholds
- ``limit_working_days`` = 5, counted on the official calendar (the day of receipt is day 0).
- ``lookback_days`` = 92 when the context has no period start.

## Applies to
site.

## Unknowns
No message records (``messages is None``) gives nothing. Without a working-day calendar
in the context nothing can be counted: one ``info`` finding says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "INT003"
SLUG = "message-late-reply"


@dataclass(frozen=True)
class Params:
    limit_working_days: int = 5
    lookback_days: int = 92


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if not obs.messages:
        return []
    count = ctx.count_working_days
    if count is None:
        return [
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=obs.site_id,
                severity="info",
                message_zh="没有工作日历，无法判断留言答复是否及时",
                evidence={"state": "unknown"},
            )
        ]
    point = ctx.monitoring_point
    since = ctx.period_start or (point - timedelta(days=params.lookback_days)).date()
    findings = []
    for message in obs.messages:
        received = message.received_at.date()
        if not since <= received <= point.date():
            continue
        answered = message.answered_at
        until = answered.date() if answered is not None and answered <= point else point.date()
        used = count(received, until)
        if used <= params.limit_working_days:
            continue
        state = (
            f"第{used}个工作日才答复"
            if answered is not None and answered <= point
            else (f"已{used}个工作日仍未答复")
        )
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=obs.site_id,
                severity=level,
                message_zh=(
                    f"留言{message.message_id}（{received:%Y-%m-%d}受理）{state}，"
                    f"超过{params.limit_working_days}个工作日"
                ),
                evidence={
                    "message_id": message.message_id,
                    "box": message.box,
                    "received": message.received_at.isoformat(),
                    "answered": answered.isoformat() if answered is not None else None,
                    "working_days": used,
                },
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="留言答复不及时",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
