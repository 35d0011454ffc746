"""Helpers shared by the account indicators."""

from __future__ import annotations

from datetime import date

from govwatch.engine.checks.base import make_finding
from govwatch.engine.checks.inputs import AccountObservation, CheckContext
from govwatch.engine.findings import EvidenceValue, Finding, Severity
from govwatch.engine.labels import ACCOUNT_PLATFORM_ZH

PLATFORM_ZH = ACCOUNT_PLATFORM_ZH


def post_dates(obs: AccountObservation, ctx: CheckContext) -> list[date] | None:
    """Sorted natural days with a post up to the monitoring point; None if unknown.

    Posts after the monitoring point are ignored: a check evaluated later for an
    earlier point must give the same answer.
    """
    if obs.posts is None:
        return None
    return sorted({p.date() for p in obs.posts if p <= ctx.monitoring_point})


def account_finding(
    code: str,
    slug: str,
    obs: AccountObservation,
    severity: Severity,
    message_zh: str,
    evidence: dict[str, EvidenceValue],
) -> Finding:
    return make_finding(
        code,
        slug,
        target_kind="account",
        target_id=obs.account_id,
        severity=severity,
        message_zh=f"{PLATFORM_ZH.get(obs.platform, obs.platform)}「{obs.name}」{message_zh}",
        evidence={"platform": obs.platform, "account_name": obs.name, **evidence},
    )


def unknown_posts(code: str, slug: str, obs: AccountObservation) -> Finding:
    return account_finding(
        code, slug, obs, "info", "发布记录获取失败，更新情况未知", {"state": "unknown"}
    )
