"""UPD001 home-page-not-updated — 首页不更新.

## What it checks
Whether the home page shows any new item in the window before the monitoring point
(监测时间点). Below the veto line it raises an early warning once the home page has
gone ``warn_after_days`` days without an update, with the days left before the veto.

## Official source
国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》, 一、单项否决指标 3「首页不更新」:
监测时间点前2周内首页无更新 ⇒ 单项否决 (same number in the 2015 普查评分表). The
10-day warning is the 开普云 (UCAP) practice, not an official rule.

## Thresholds
- ``window_days`` = 14: an item exactly 14 days old still counts; 15 days ⇒ the line.
- ``warn_after_days`` = 10: more than 10 days without an update ⇒ early warning.

## Applies to
home_page (the site's home page).

## Unknowns
A home page that could not be fetched gives an ``info`` finding with
``state: unknown``, never a veto. A fetched home page without any dated item counts
as not updated (the 2015 rule; undated items cannot prove an update).
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, days_between, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "UPD001"
SLUG = "home-page-not-updated"


@dataclass(frozen=True)
class Params:
    window_days: int = 14
    warn_after_days: int = 10


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    def hit(severity: Severity, message: str, **evidence: int | str | None) -> Finding:
        return make_finding(
            CODE,
            SLUG,
            target_kind="home_page",
            target_id=obs.home_url,
            severity=severity,
            message_zh=message,
            evidence={"window_days": params.window_days, **evidence},
        )

    if not obs.home_fetch_ok:
        return [hit("info", "首页无法获取，更新情况未知", state="unknown")]
    if obs.home_newest_date is None:
        return [hit(level, "首页未发现带发布日期的信息，按未更新处理", newest_date=None)]
    days = days_between(obs.home_newest_date, ctx.point_date)
    newest = obs.home_newest_date.isoformat()
    if days > params.window_days:
        return [
            hit(
                level,
                f"首页超过{params.window_days}天未更新（{days}天）",
                newest_date=newest,
                days_since_update=days,
            )
        ]
    if days > params.warn_after_days:
        left = params.window_days + 1 - days
        return [
            hit(
                "warning",
                f"首页已{days}天未更新，距单项否决还剩{left}天",
                newest_date=newest,
                days_since_update=days,
                days_left=left,
            )
        ]
    return []


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="首页不更新",
    subjects=("site",),
    targets=("home_page",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
