"""The shape UPD002–UPD004 share: a count of columns against a veto line, an unknown note
when unfetched columns could still reach the line, and an early warning before it."""

from __future__ import annotations

from dataclasses import dataclass

from govwatch.engine.checks.base import make_finding
from govwatch.engine.checks.inputs import SiteObservation
from govwatch.engine.findings import EvidenceValue, Finding, Severity


@dataclass(frozen=True)
class CountLine:
    code: str
    slug: str
    what: str  # evidence prefix: "stale" or "blank"
    threshold: int
    veto_zh: str  # "{n}" is the count
    unknown_zh: str  # "{n}" is the number of unfetched columns
    warning_zh: str  # "{n}" is the count; "{tail}" the days left, if any


def count_line_findings(
    line: CountLine,
    obs: SiteObservation,
    level: Severity,
    counted: list[str],
    unknown: list[str],
    *,
    warn: bool,
    days_left: int | None = None,
) -> list[Finding]:
    def hit(severity: Severity, message: str, **extra: EvidenceValue) -> Finding:
        return make_finding(
            line.code,
            line.slug,
            target_kind="site",
            target_id=obs.site_id,
            severity=severity,
            message_zh=message,
            evidence={
                f"{line.what}_columns": list(counted),
                f"{line.what}_count": len(counted),
                "threshold": line.threshold,
                **extra,
            },
        )

    n = len(counted)
    if n >= line.threshold:
        return [hit(level, line.veto_zh.format(n=n))]
    findings: list[Finding] = []
    # Unfetched columns are unknown, never counted; say so when they could tip the line.
    if unknown and n + len(unknown) >= line.threshold:
        message = line.unknown_zh.format(n=len(unknown))
        findings.append(hit("info", message, unknown_columns=list(unknown), state="unknown"))
    if warn:
        tail = f"，距单项否决还剩{days_left}天" if days_left is not None else ""
        findings.append(hit("warning", line.warning_zh.format(n=n, tail=tail), days_left=days_left))
    return findings
