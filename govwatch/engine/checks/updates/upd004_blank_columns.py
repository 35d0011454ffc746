"""UPD004 blank-columns — 空白栏目.

## What it checks
Counts columns that were fetched and hold no content at all. On the line, one finding
for the site listing them; under it an early warning above ``warn_count_gt``. Blank
columns do not age, so the warning's ``days_left`` is None.

## Official source
国办秘函〔2019〕19号, 一、单项否决指标 4「栏目不更新」(三): 空白栏目数量超过（含）5个 ⇒
单项否决. The warning (more than 2 blank columns) is the 开普云 (UCAP) practice.

## Thresholds
- ``blank_count_gte`` = 5: 4 blank columns are not on the line, 5 are.
- ``warn_count_gt`` = 2.

## Applies to
column (decided for the site as a whole).

## Unknowns
A column whose fetch failed is not blank; when unknown columns could change the
verdict an ``info`` finding lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.checks.updates.countline import CountLine, count_line_findings
from govwatch.engine.findings import Finding, Severity

CODE = "UPD004"
SLUG = "blank-columns"


@dataclass(frozen=True)
class Params:
    blank_count_gte: int = 5
    warn_count_gt: int = 2


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    blank = [c.name for c in obs.columns if c.fetch_ok and c.item_count == 0]
    unknown = [c.name for c in obs.columns if not c.fetch_ok]
    line = CountLine(
        CODE,
        SLUG,
        "blank",
        params.blank_count_gte,
        veto_zh="存在{n}个空白栏目",
        unknown_zh="{n}个栏目无法获取，空白栏目数无法最终判定",
        warning_zh="已有{n}个空白栏目，接近单项否决线",
    )
    warn = len(blank) > params.warn_count_gt
    return count_line_findings(line, obs, level, blank, unknown, warn=warn)


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="空白栏目",
    subjects=("site",),
    targets=("column",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
