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

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.updates.columns import column_status, days_until_count
from govwatch.engine.findings import EvidenceValue, Finding, Severity

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

    def hit(severity: Severity, message: str, **extra: EvidenceValue) -> Finding:
        return make_finding(
            CODE,
            SLUG,
            target_kind="site",
            target_id=obs.site_id,
            severity=severity,
            message_zh=message,
            evidence={
                "stale_columns": list(stale),
                "stale_count": len(stale),
                "threshold": params.stale_count_gte,
                **extra,
            },
        )

    if len(stale) >= params.stale_count_gte:
        return [hit(level, f"{len(stale)}个应更新栏目长期未更新")]
    findings: list[Finding] = []
    if unknown and len(stale) + len(unknown) >= params.stale_count_gte:
        findings.append(
            hit(
                "info",
                f"{len(unknown)}个栏目无法获取，长期未更新栏目数无法最终判定",
                unknown_columns=list(unknown),
                state="unknown",
            )
        )
    if len(stale) > params.warn_count_gt:
        left = days_until_count(statuses, len(stale), params.stale_count_gte)
        tail = f"，距单项否决还剩{left}天" if left is not None else ""
        findings.append(hit("warning", f"已有{len(stale)}个栏目长期未更新{tail}", days_left=left))
    return findings


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
