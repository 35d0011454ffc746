"""LNK002 page-broken-link — 其他页面不可用链接.

## What it checks
Links on pages other than the home page whose outcome is in ``broken_outcomes``. One
finding per distinct URL (the first page it was seen on is the evidence), one
deduction unit each.

## Official source
国办秘函〔2019〕19号, 二、扣分指标「网站可用性 — 链接可用性」: points not confirmed from
the original. The 2015 普查评分表 deducts 0.1 point per unusable link on other pages
(a 2015 sample report: 24 dead links → 2.4 points); the national profile uses that value
and says so.

## Thresholds
``broken_outcomes`` = broken, server_error, timeout, redirect_loop. A URL that is also
broken on the home page is judged by LNK001 only.

## Applies to
link (on other pages).

## Unknowns
``blocked`` and ``unsupported`` links are unknown and give no finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.links.common import broken_link_findings
from govwatch.engine.findings import Finding, Severity

CODE = "LNK002"
SLUG = "page-broken-link"


@dataclass(frozen=True)
class Params:
    broken_outcomes: tuple[str, ...] = ("broken", "server_error", "timeout", "redirect_loop")


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    # The same URL broken on the home page is already penalised there (no double count).
    on_home = {link.url for link in obs.links if link.on_home_page}
    links = [link for link in obs.links if not link.on_home_page and link.url not in on_home]
    return broken_link_findings(CODE, SLUG, links, params.broken_outcomes, level, "页面")


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="其他页面不可用链接",
    subjects=("site",),
    targets=("link",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
