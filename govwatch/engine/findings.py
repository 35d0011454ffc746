"""Findings (问题): what a check says about one target, with the evidence behind it.

A finding is a frozen value. Checks create it with ``points = 0``; the judge step
(``govwatch.engine.profiles.judge``) fills ``points`` for deductions from the active
profile, because points are profile data and never constants in indicator code.

Evidence is a plain mapping of JSON-compatible values so the web layer can store it
as it is. Two evidence keys have a meaning shared by every indicator:

``units``
    how many deduction units the finding stands for (one broken link = 1, one
    percentage point of unreachability = 1 …); the judge multiplies it by the
    profile's ``points_each``. Missing means 1.
``days_left``
    on early-warning findings: natural days until the veto line is reached if
    nothing changes, or ``None`` when time alone does not move the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Severity: TypeAlias = Literal["veto", "deduction", "warning", "info"]
"""veto = 单项否决; deduction = 扣分; warning = 预警 or listed problem; info = unknown/notes."""

SEVERITIES: tuple[Severity, ...] = ("veto", "deduction", "warning", "info")

TargetKind: TypeAlias = Literal[
    "site", "home_page", "column", "link", "page_text", "account", "unit"
]
TARGET_KINDS: tuple[TargetKind, ...] = (
    "site",
    "home_page",
    "column",
    "link",
    "page_text",
    "account",
    "unit",
)

EvidenceValue: TypeAlias = (
    str | int | float | bool | list["EvidenceValue"] | dict[str, "EvidenceValue"] | None
)


@dataclass(frozen=True)
class Finding:
    """One problem (or one unknown) found on one target.

    ``target_kind``/``target_id`` name what the problem is about (a link's URL, a
    column's name, a site's code); the judge receives the findings of one scored
    object (a site or an account) and never looks at ``target_id`` to group them.
    """

    code: str
    slug: str
    target_kind: TargetKind
    target_id: str
    severity: Severity
    message_zh: str
    evidence: Mapping[str, EvidenceValue] = field(default_factory=dict)
    points: float = 0.0

    @property
    def units(self) -> float:
        """Deduction units this finding stands for (see the module docstring)."""
        raw = self.evidence.get("units", 1)
        return float(raw) if isinstance(raw, int | float) else 1.0

    @property
    def is_unknown(self) -> bool:
        """True when the finding records that the input could not be observed."""
        return self.evidence.get("state") == "unknown"
