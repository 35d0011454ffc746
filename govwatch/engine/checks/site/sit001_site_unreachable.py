"""SIT001 site-unreachable — 站点无法访问.

## What it checks
The share of failed home-page probes in the window before the monitoring point. A
probe fails when the page did not open or took ``timeout_s`` seconds or more. On the
main line the finding carries the failure ratio; under it, an early warning fires
above ``warn_ratio_gt`` (time alone does not move a ratio, so ``days_left`` is None).

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 2「站点无法访问」: 监测1周，每天间隔一定时间访问
不少于20次，超过15秒仍打不开视为无法访问，无法访问次数超过（含）总监测次数的5% ⇒
单项否决. The 3 % seven-day warning is the 开普云 (UCAP) practice.

## Thresholds
- ``window_days`` = 7, ``min_probes_per_day`` = 20, ``timeout_s`` = 15.
- ``fail_ratio_gte`` = 0.05: 5 % exactly is on the line, 4.99 % is not.
- ``warn_ratio_gt`` = 0.03.

## Applies to
home_page.

## Unknowns
Fewer probes than ``window_days × min_probes_per_day`` in the window is not enough
to decide: an ``info`` finding with ``state: unknown`` and the probe count.

## Rolled-up days
Raw probes are kept for the judging window; older days are rolled up per site and day
(count and failures). A whole day of the window that exists only as a rollup counts with
its totals, so a period can be judged again long after its raw probes are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from govwatch.engine.checks.base import Indicator, make_finding, ratio_text
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.clock import beijing, day_start
from govwatch.engine.findings import EvidenceValue, Finding, Severity
from govwatch.engine.monitoring.rollup import probe_failed

CODE = "SIT001"
SLUG = "site-unreachable"


@dataclass(frozen=True)
class Params:
    window_days: int = 7
    min_probes_per_day: int = 20
    timeout_s: float = 15.0
    fail_ratio_gte: float = 0.05
    warn_ratio_gt: float = 0.03


def end_day(ctx: CheckContext) -> date:
    """The last whole day of the window: the monitoring point's day in Beijing."""
    return beijing(ctx.monitoring_point).date()


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    start = ctx.monitoring_point - timedelta(days=params.window_days)
    window = [p for p in obs.probes if start <= p.at <= ctx.monitoring_point]
    days = [d for d in obs.probe_days if start <= day_start(d.day) and d.day <= end_day(ctx)]
    count = len(window) + sum(d.count for d in days)
    failed = sum(1 for p in window if probe_failed(p, params.timeout_s))
    failed += sum(d.failed for d in days)
    evidence: dict[str, EvidenceValue] = {
        "window_days": params.window_days,
        "probes": count,
        "failed": failed,
        "timeout_s": params.timeout_s,
    }

    def hit(severity: Severity, message: str) -> Finding:
        return make_finding(
            CODE,
            SLUG,
            target_kind="home_page",
            target_id=obs.home_url,
            severity=severity,
            message_zh=message,
            evidence=evidence,
        )

    if count < params.window_days * params.min_probes_per_day:
        evidence["state"] = "unknown"
        return [hit("info", f"监测次数不足（{count}次），无法判定首页可用性")]
    # Exact fractions: 5 % must be on the line even when the float quotient is not.
    ratio = Fraction(failed, count)
    evidence["fail_ratio"] = round(float(ratio), 6)
    if ratio >= Fraction(str(params.fail_ratio_gte)):
        return [
            hit(
                level,
                f"首页无法访问比例{ratio_text(float(ratio))}，超过（含）"
                f"{ratio_text(params.fail_ratio_gte)}",
            )
        ]
    if ratio > Fraction(str(params.warn_ratio_gt)):
        evidence["days_left"] = None
        return [
            hit(
                "warning",
                f"首页{params.window_days}天无法访问比例{ratio_text(float(ratio))}，接近单项否决线",
            )
        ]
    return []


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="站点无法访问",
    subjects=("site",),
    targets=("home_page",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
