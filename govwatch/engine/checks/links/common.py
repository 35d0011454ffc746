"""Shared shape of the broken-link indicators (LNK001, LNK002)."""

from __future__ import annotations

from collections.abc import Iterable

from govwatch.engine.checks.base import make_finding
from govwatch.engine.checks.inputs import LinkObservation
from govwatch.engine.findings import Finding, Severity

_OUTCOME_ZH = {
    "broken": "链接失效",
    "server_error": "服务器错误",
    "timeout": "访问超时",
    "redirect_loop": "循环跳转",
}


def broken_link_findings(
    code: str,
    slug: str,
    links: Iterable[LinkObservation],
    broken_outcomes: tuple[str, ...],
    level: Severity,
    where_zh: str,
) -> list[Finding]:
    """One finding per distinct broken URL, in first-seen order."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for link in links:
        if link.outcome not in broken_outcomes or link.url in seen:
            continue
        seen.add(link.url)
        reason = _OUTCOME_ZH.get(link.outcome, link.outcome)
        findings.append(
            make_finding(
                code,
                slug,
                target_kind="link",
                target_id=link.url,
                severity=level,
                message_zh=f"{where_zh}存在不可用链接（{reason}）：{link.anchor or link.url}",
                evidence={
                    "url": link.url,
                    "outcome": link.outcome,
                    "page_url": link.page_url,
                    "anchor": link.anchor,
                    "units": 1,
                },
            )
        )
    return findings
