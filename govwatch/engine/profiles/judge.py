"""Run a profile's indicators on one observation and price the deductions.

This is step 4 of the supervision loop ("judge") up to the findings; ``scoring``
turns the findings of one site or account into its verdict.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from govwatch.engine.checks import registry
from govwatch.engine.checks.inputs import AccountObservation, CheckContext, SiteObservation
from govwatch.engine.findings import Finding
from govwatch.engine.profiles.model import Profile, Rule


def _priced(finding: Finding, rule: Rule) -> Finding:
    if finding.severity != "deduction" or rule.points_each is None:
        return finding
    # Decimal keeps 24 × 0.1 at 2.4 instead of 2.4000000000000004.
    points = Decimal(str(rule.points_each)) * Decimal(str(finding.units))
    return replace(finding, points=float(points))


def run_checks(
    profile: Profile, observation: SiteObservation | AccountObservation, ctx: CheckContext
) -> list[Finding]:
    """Findings of every enabled indicator of ``profile`` that reads this observation."""
    subject = "site" if isinstance(observation, SiteObservation) else "account"
    findings: list[Finding] = []
    for rule in profile.enabled_rules():
        indicator = registry.get(rule.code)
        if subject not in indicator.subjects:
            continue
        for finding in indicator.run(observation, ctx, rule.params, rule.severity):
            findings.append(_priced(finding, rule))
    return findings
