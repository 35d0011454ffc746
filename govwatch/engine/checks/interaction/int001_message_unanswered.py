"""INT001 message-unanswered — 留言超过3个月未回复.

## What it checks
Valid citizen messages to the site's consultation channels received in the year before
the monitoring point that stayed unanswered for more than ``max_months`` months: still
open past that limit at the monitoring point, or answered only after it. One finding per
message, with its id and dates as evidence.

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 5「互动回应差」(二): 对网民留言长期不回应，
1年内存在超过3个月未回应的有效留言 ⇒ 单项否决. The UCAP early warning 13 (互动回应问题,
> 3 months) is the same line.

## Thresholds
- ``max_months`` = 3 (calendar months, the same day of the month).
- ``lookback_months`` = 12.

## Applies to
site.

## Unknowns
No message records for the site (``messages is None``) gives nothing: the channel's
records were not imported, which is not the same as an empty mailbox.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "INT001"
SLUG = "message-unanswered"


@dataclass(frozen=True)
class Params:
    max_months: int = 3
    lookback_months: int = 12


def add_months(moment: datetime, months: int) -> datetime:
    """Same day N months later, clamped to the month's end (11-30 + 3 = 02-28/29)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if obs.messages is None:
        return []
    point = ctx.monitoring_point
    since = add_months(point, -params.lookback_months)
    findings = []
    for message in obs.messages:
        if not since < message.received_at <= point:
            continue
        limit = add_months(message.received_at, params.max_months)
        answered = message.answered_at
        late = answered > limit if answered is not None else point > limit
        if not late:
            continue
        state = f"{answered:%Y-%m-%d}才回复" if answered is not None else "至今未回复"
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="site",
                target_id=obs.site_id,
                severity=level,
                message_zh=(
                    f"留言{message.message_id}（{message.received_at:%Y-%m-%d}受理）"
                    f"超过{params.max_months}个月未回复，{state}"
                ),
                evidence={
                    "message_id": message.message_id,
                    "box": message.box,
                    "received": message.received_at.isoformat(),
                    "answered": answered.isoformat() if answered is not None else None,
                    "limit": limit.isoformat(),
                },
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="留言超过3个月未回复",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
