"""UPD006 disclosure-late — 主动公开不及时.

## What it checks
For each proactively disclosed document, the official working days between the day
it was formed or changed and the day it was published. Counted on the official
holiday calendar (adjusted weekend working days included, holidays excluded), through
the ``count_working_days`` callable of the check context.

## Official source
《中华人民共和国政府信息公开条例》第二十六条: 属于主动公开范围的政府信息，应当自该政府信息
形成或者变更之日起20个工作日内及时公开 (restated in seed 001, 格尔木市 2024 年度报告).
Not a 19号 item; the national profile lists it as a warning.

## Thresholds
``max_working_days`` = 20: published on the 20th working day is on time, the 21st late.

## Applies to
page_text (the document page).

## Unknowns
A document without a publication date, or a context without a working-day counter,
gives an ``info`` finding with ``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import Indicator, make_finding
from govwatch.engine.checks.inputs import CheckContext, SiteObservation
from govwatch.engine.findings import Finding, Severity

CODE = "UPD006"
SLUG = "disclosure-late"


@dataclass(frozen=True)
class Params:
    max_working_days: int = 20


def check(
    obs: SiteObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    findings: list[Finding] = []
    for doc in obs.documents:
        base = {"title": doc.title, "formed_on": doc.formed_on.isoformat()}
        if doc.published_on is None or ctx.count_working_days is None:
            reason = "发布日期未知" if doc.published_on is None else "缺少工作日历"
            findings.append(
                make_finding(
                    CODE,
                    SLUG,
                    target_kind="page_text",
                    target_id=doc.url,
                    severity="info",
                    message_zh=f"「{doc.title}」{reason}，无法判定公开时限",
                    evidence={**base, "state": "unknown"},
                )
            )
            continue
        used = ctx.count_working_days(doc.formed_on, doc.published_on)
        if used > params.max_working_days:
            findings.append(
                make_finding(
                    CODE,
                    SLUG,
                    target_kind="page_text",
                    target_id=doc.url,
                    severity=level,
                    message_zh=f"「{doc.title}」形成后第{used}个工作日才公开，"
                    f"超过{params.max_working_days}个工作日",
                    evidence={
                        **base,
                        "published_on": doc.published_on.isoformat(),
                        "working_days": used,
                    },
                )
            )
    return findings


INDICATOR = Indicator[SiteObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="主动公开不及时",
    subjects=("site",),
    targets=("page_text",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
