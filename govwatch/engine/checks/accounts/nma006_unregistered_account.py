"""NMA006 unregistered-account — 漏报（未纳入全国政务新媒体信息报送系统）.

## What it checks
Whether an account found in operation is registered in the national new-media
registry (全国政务新媒体信息报送系统).

## Official source
国办发〔2018〕123号 and the national filing practice: opening, change and closure of an
account are filed in the national registry; accounts missing from it are 漏报
(陕政公开办〔2024〕6号, seed 004: 「存在漏报情况，未按要求纳入监管」). Not a 19号 veto item;
the national profile lists it as a warning.

## Thresholds
None: not being registered is the problem.

## Applies to
account.

## Unknowns
``registered_national is None`` (registry not compared) gives an ``info`` finding with
``state: unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.accounts.common import account_finding
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import Finding, Severity

CODE = "NMA006"
SLUG = "unregistered-account"


@dataclass(frozen=True)
class Params:
    pass


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    if obs.registered_national:
        return []
    if obs.registered_national is None:
        return [
            account_finding(
                CODE,
                SLUG,
                obs,
                "info",
                "未能与全国政务新媒体信息报送系统比对",
                {"state": "unknown"},
            )
        ]
    return [
        account_finding(
            CODE,
            SLUG,
            obs,
            level,
            "存在漏报情况，未纳入全国政务新媒体信息报送系统",
            {"registered_national": False},
        )
    ]


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="漏报",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
