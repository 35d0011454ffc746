"""UPD005 column-not-updated — 栏目更新不及时（扣分）.

## What it checks
One finding per column older than its class window, for profiles that deduct per
stale column below the veto lines of UPD002/UPD003. The finding's ``units`` are the
class weight, so a profile with ``points_each: 1`` deducts the 2015 values.

## Official source
国办秘函〔2019〕19号, 二、扣分指标「信息发布 — 更新情况」: per-column points not
confirmed from the original. Weights from the 2015 普查评分表「基本信息」: 动态要闻类
2周未更新 每个扣3分, 通知公告/政策文件类 6个月未更新 每个扣4分, 人事/规划计划类 1年未更新
每个扣5分. A column already judged blank is not penalised again (W-D10).

## Thresholds
- ``windows``: news 14d, notice_policy 6mo, personnel_planning 12mo.
- ``units_by_kind``: news 3, notice_policy 4, personnel_planning 5.

## Applies to
column.

## Unknowns
Columns whose fetch failed give no finding here (UPD002/UPD003 report unknowns that
matter for the verdict).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.updates.columns import column_status, window_zh
from govwatch.engine.findings import Finding, Severity

CODE = "UPD005"
SLUG = "column-not-updated"


@dataclass(frozen=True)
class Params:
    windows: Mapping[str, str] = field(
        default_factory=lambda: {
            "news": "14d",
            "notice_policy": "6mo",
            "personnel_planning": "12mo",
        }
    )
    units_by_kind: Mapping[str, int] = field(
        default_factory=lambda: {"news": 3, "notice_policy": 4, "personnel_planning": 5}
    )


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    findings: list[Finding] = []
    for column in obs.columns:
        if column.kind not in params.windows:
            continue
        status = column_status(column, ctx.point_date, params.windows)
        if status.state != "stale":
            continue
        newest = column.newest_date.isoformat() if column.newest_date else None
        findings.append(
            make_finding(
                CODE,
                SLUG,
                target_kind="column",
                target_id=column.url or column.name,
                severity=level,
                message_zh=f"栏目「{column.name}」超过{window_zh(status.window or '')}未更新",
                evidence={
                    "column": column.name,
                    "kind": column.kind,
                    "window": status.window,
                    "newest_date": newest,
                    "units": params.units_by_kind.get(column.kind, 1),
                },
            )
        )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="栏目更新不及时",
    subjects=("site",),
    targets=("column",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
