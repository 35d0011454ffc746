"""SIT002 consultation-channel-missing — 无有效咨询建言渠道.

## What it checks
Whether the site offers an effective online consultation or suggestion channel
(政务咨询、建言类栏目). Special channels such as 网上信访 and 纪检举报 do not count; the
crawler decides that when it fills ``SiteFacts.consultation_channel``.

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 5「互动回应差」(一): 没有提供有效的咨询建言渠道
(网上信访、纪检举报等专门渠道除外) ⇒ 单项否决.

## Thresholds
None: absence alone is on the line.

## Applies to
site.

## Unknowns
``consultation_channel is None`` (not determined) gives an ``info`` finding with
``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "SIT002"
SLUG = "consultation-channel-missing"


@dataclass(frozen=True)
class Params:
    pass


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if obs.facts is not None and obs.facts.interaction_channel:
        return []
    unknown = obs.facts is None
    return [
        make_finding(
            CODE,
            SLUG,
            target_kind="site",
            target_id=obs.site_id,
            severity="info" if unknown else level,
            message_zh="未能确定网站是否提供咨询建言渠道"
            if unknown
            else "网站未提供有效的咨询建言渠道",
            evidence={"state": "unknown"} if unknown else {"consultation_channel": False},
        )
    ]


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="无有效咨询建言渠道",
    subjects=("site",),
    targets=("site",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
