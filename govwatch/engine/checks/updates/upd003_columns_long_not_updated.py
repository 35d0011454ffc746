"""UPD003 columns-long-not-updated — 应更新但长期未更新的栏目.

## What it checks
Counts every column that should be updated and is older than its class window
(动态要闻 2 weeks, 通知公告/政策文件 6 months, 人事/规划计划 and the other 基本信息
classes 1 year). On the line, one finding for the site listing them; under it an early
warning above ``warn_count_gt`` with the days left if nothing is updated.

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 4「栏目不更新」(二): 应更新但长期未更新的栏目数量
超过（含）10个 ⇒ 单项否决. 19号 does not define 长期 in days; the class windows are the
2015 普查 基本信息 windows (also used by 开普云). The warning (more than 6 columns) is the
开普云 (UCAP) practice.

## Thresholds
- ``windows``: news 14d, notice_policy 6mo, personnel_planning 12mo.
- ``stale_count_gte`` = 10; ``warn_count_gt`` = 6.

## Applies to
column (decided for the site as a whole).

## Unknowns
Columns whose fetch failed are never counted; when they could change the verdict an
``info`` finding lists them. Blank columns are judged by UPD004 only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.updates.columns import column_status, days_until_count
from govwatch.engine.checks.updates.countline import CountLine, count_line_findings
from govwatch.engine.findings import Finding, Severity

CODE = "UPD003"
SLUG = "columns-long-not-updated"


@dataclass(frozen=True)
class Params:
    windows: Mapping[str, str] = field(
        default_factory=lambda: {
            "news": "14d",
            "notice_policy": "6mo",
            "personnel_planning": "12mo",
        }
    )
    stale_count_gte: int = 10
    warn_count_gt: int = 6


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    statuses = [
        column_status(c, ctx.point_date, params.windows)
        for c in obs.columns
        if c.kind in params.windows
    ]
    stale = [s.column.name for s in statuses if s.state == "stale"]
    unknown = [s.column.name for s in statuses if s.state == "unknown"]
    line = CountLine(
        CODE,
        SLUG,
        "stale",
        params.stale_count_gte,
        veto_zh="{n}个应更新栏目长期未更新",
        unknown_zh="{n}个栏目无法获取，长期未更新栏目数无法最终判定",
        warning_zh="已有{n}个栏目长期未更新{tail}",
    )
    warn = len(stale) > params.warn_count_gt
    left = days_until_count(statuses, len(stale), params.stale_count_gte) if warn else None
    return count_line_findings(line, obs, level, stale, unknown, warn=warn, days_left=left)


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="应更新但长期未更新的栏目",
    subjects=("site",),
    targets=("column",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
