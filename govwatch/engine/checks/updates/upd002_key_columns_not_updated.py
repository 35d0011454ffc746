"""UPD002 key-columns-not-updated — 栏目不更新（动态要闻、通知公告政策文件）.

## What it checks
Counts the 动态/要闻类 columns not updated in the 2 weeks before the monitoring point
together with the first-level 通知公告/政策文件类 columns not updated in 6 months.
On the line, one finding for the site listing every stale column. Under the line, an
early warning once ``warn_count_gte`` columns are stale, with the days left until the
count reaches the line if nothing is updated.

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 4「栏目不更新」(一): 监测时间点前2周内动态、要闻类
栏目以及监测时间点前6个月内通知公告、政策文件类一级栏目未更新的栏目数量累计超过（含）5个
⇒ 单项否决. The warning level is our default, not official.

## Thresholds
- ``windows``: news 14d, notice_policy 6mo (first-level columns only).
- ``stale_count_gte`` = 5: 4 stale columns are not on the line, 5 are.
- ``warn_count_gte`` = 3.

## Applies to
column (decided for the site as a whole).

## Unknowns
Columns whose fetch failed are never counted as stale; when they could change the
verdict (stale + unknown reaches the line) an ``info`` finding lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.updates.columns import column_status, days_until_count
from govwatch.engine.checks.updates.countline import CountLine, count_line_findings
from govwatch.engine.findings import Finding, Severity

CODE = "UPD002"
SLUG = "key-columns-not-updated"


@dataclass(frozen=True)
class Params:
    windows: Mapping[str, str] = field(
        default_factory=lambda: {"news": "14d", "notice_policy": "6mo"}
    )
    top_level_only: tuple[str, ...] = ("notice_policy",)
    stale_count_gte: int = 5
    warn_count_gte: int = 3


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    statuses = [
        column_status(
            c, ctx.point_date, params.windows, top_level_only=frozenset(params.top_level_only)
        )
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
        veto_zh="{n}个动态要闻类、通知公告政策文件类栏目未按期更新",
        unknown_zh="{n}个栏目无法获取，栏目更新情况无法最终判定",
        warning_zh="已有{n}个栏目未按期更新{tail}",
    )
    warn = len(stale) >= params.warn_count_gte
    left = days_until_count(statuses, len(stale), params.stale_count_gte) if warn else None
    return count_line_findings(line, obs, level, stale, unknown, warn=warn, days_left=left)


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="栏目不更新（动态要闻、通知公告政策文件）",
    subjects=("site",),
    targets=("column",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
