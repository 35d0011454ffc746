"""Shared shape of the broken-link indicators (LNK001, LNK002)."""

from __future__ import annotations

from collections.abc import Iterable

from govwatch.engine.checks.base import make_finding
from govwatch.engine.checks.inputs import LinkObservation
from govwatch.engine.findings import Finding, Severity
from govwatch.engine.labels import LINK_OUTCOME_ZH


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
        reason = LINK_OUTCOME_ZH.get(link.outcome, link.outcome)
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
