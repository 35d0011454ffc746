"""LNK001 home-page-broken-link — 首页不可用链接.

## What it checks
Links on the home page (pages, images, attachments, external links) whose outcome is
in ``broken_outcomes``. One finding per distinct URL, one deduction unit each.

## Official source
国办秘函〔2019〕19号, 二、扣分指标「网站可用性 — 链接可用性」: points not confirmed from
the original. The 2015 普查评分表 deducts 1 point per unusable home-page link; the
national profile uses that value and says so.

## Thresholds
``broken_outcomes`` = broken, server_error, timeout, redirect_loop. ``blocked``
(403/429/WAF) and ``unsupported`` are not counted: the link may work for people.

## Applies to
link (on the home page).

## Unknowns
``blocked`` and ``unsupported`` links are unknown and give no finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.links.common import broken_link_findings
from govwatch.engine.findings import Finding, Severity

CODE = "LNK001"
SLUG = "home-page-broken-link"


@dataclass(frozen=True)
class Params:
    broken_outcomes: tuple[str, ...] = ("broken", "server_error", "timeout", "redirect_loop")


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    links = [link for link in obs.links if link.on_home_page]
    return broken_link_findings(CODE, SLUG, links, params.broken_outcomes, level, "首页")


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="首页不可用链接",
    subjects=("site",),
    targets=("link",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
