"""NMA007 registry-mismatch — 账号名称或主体与登记不一致.

## What it checks
Whether the account's name and its certified owner (认证主体) as the platform shows them
now still match the registry: a renamed account, or one now certified to another body,
was changed without being filed (变更未报备), or the registry entry is wrong.

## Official source
国办发〔2018〕123号: the name is tied to the unit's duties, the certification shows the
sponsoring unit, and opening, change and closure are filed in the national registry
(indicators.md N-7, N-8). Bulletins list 「账号主体与开办单位不一致」 (渭南, 甘肃). Not a
19号 veto item; the national profile lists it as a warning.

## Thresholds
``compare_name`` and ``compare_owner`` (both on). Names are compared after removing
spaces, punctuation and full-/half-width differences; the owner matches when it equals
the name or an alias of the opening or supervising unit.

## Applies to
account.

## Unknowns
Nothing is reported when the name and owner were not observed (``seen_name`` and
``seen_owner`` None): most accounts are never looked at this way, and an unknown on every
account would bury the real ones. An observed owner with no registered owner to compare
with gives an ``info`` finding with ``state: unknown``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from govwatch.engine.checks.accounts.common import account_finding
from govwatch.engine.checks.base import Indicator
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import Finding, Severity

CODE = "NMA007"
SLUG = "registry-mismatch"


@dataclass(frozen=True)
class Params:
    compare_name: bool = True
    compare_owner: bool = True


def comparable(name: str) -> str:
    """Letters and digits only, NFKC-folded and lower-cased: 「开封 发布」 = 「开封发布」."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN").lower()


def check(
    obs: AccountObservation, ctx: CheckContext, params: Params, level: Severity
) -> list[Finding]:
    findings: list[Finding] = []
    seen_name = obs.seen_name if params.compare_name else None
    if seen_name is not None and comparable(seen_name) != comparable(obs.name):
        findings.append(
            account_finding(
                CODE,
                SLUG,
                obs,
                level,
                f"平台显示名称为「{seen_name}」，与登记名称不一致（变更未报备）",
                {"field": "name", "registered": obs.name, "seen": seen_name},
            )
        )
    if params.compare_owner and obs.seen_owner is not None and not obs.registered_owners:
        return [
            *findings,
            account_finding(
                CODE, SLUG, obs, "info", "未登记开设主体，无法比对认证主体", {"state": "unknown"}
            ),
        ]
    if params.compare_owner and obs.seen_owner is not None:
        owners = {comparable(o) for o in obs.registered_owners}
        if comparable(obs.seen_owner) not in owners:
            findings.append(
                account_finding(
                    CODE,
                    SLUG,
                    obs,
                    level,
                    f"认证主体为「{obs.seen_owner}」，与登记的开设主体"
                    f"「{obs.registered_owners[0]}」不一致",
                    {
                        "field": "owner",
                        "registered": obs.registered_owners[0],
                        "seen": obs.seen_owner,
                    },
                )
            )
    return findings


INDICATOR = Indicator[AccountObservation, Params](
    code=CODE,
    slug=SLUG,
    title_zh="账号名称或主体与登记不一致",
    subjects=("account",),
    targets=("account",),
    params_type=Params,
    run=check,
    doc=__doc__ or "",
)
