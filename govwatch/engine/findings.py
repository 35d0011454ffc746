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

import hashlib
import json
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


# Evidence that measures *when* or *how much* rather than *what*: the same stale column
# is "two weeks" stale today and "a month" next quarter, the same dead link is found on
# another page, the same silent account has more days since its last post. A decision on
# a finding carries over while what it is about stays the same, so these keys stay out of
# the finding's fingerprint. The dates that say what (a column's newest item, an
# account's last post) stay in: once the column is updated and goes stale again, the
# supervisor decides afresh.
VOLATILE_EVIDENCE = frozenset(
    {
        "units",
        "days_left",
        "window",
        "window_days",
        "page_url",
        "anchor",
        "days",
        "days_since_post",
        "probes",
        "failed",
        "posts_in_window",
        "threshold",
        "min_posts",
        "limit",
        "timeout_s",
        "working_days",
        "open",
        "seen",
        # The text around a content hit: an edit next to the error is not a new error.
        "excerpt",
    }
)


def finding_fingerprint(finding: Finding) -> str:
    """A short stable hash of the finding's identity: indicator, target and the evidence
    that says what the problem is (not when it was measured)."""
    stable = {k: v for k, v in finding.evidence.items() if k not in VOLATILE_EVIDENCE}
    text = json.dumps(
        [finding.code, finding.target_kind, finding.target_id, stable],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
