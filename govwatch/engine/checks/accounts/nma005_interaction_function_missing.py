"""NMA005 interaction-function-missing — 未提供有效互动功能.

## What it checks
Whether the account offers a working interaction function (留言、评论、私信, or a menu
entry leading to a consultation channel).

## Official source
国办秘函〔2019〕19号, 政务新媒体 单项否决「互动回应差」: 未提供有效互动功能 ⇒ 单项否决
(applied in 陕政公开办〔2024〕6号, seed 004: 「未提供有效互动功能」 accounts are 不合格).

## Thresholds
None: absence alone is on the line.

## Applies to
account.

## Unknowns
``has_interaction is None`` gives an ``info`` finding with ``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.accounts.common import account_finding
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import Finding, Severity

CODE = "NMA005"
SLUG = "interaction-function-missing"


@dataclass(frozen=True)
class Params:
    pass


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if obs.has_interaction:
        return []
    if obs.has_interaction is None:
        return [account_finding(CODE, SLUG, obs, "info", "互动功能情况未知", {"state": "unknown"})]
    return [
        account_finding(CODE, SLUG, obs, level, "未提供有效互动功能", {"has_interaction": False})
    ]


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="未提供有效互动功能",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
