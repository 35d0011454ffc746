"""The shape every indicator module shares.

An indicator module defines a frozen ``Params`` dataclass (its thresholds, with the
national values as defaults), a pure ``check`` function and, at the bottom, the
``INDICATOR`` record that the registry loads. Its docstring has the sections listed
in ``DOC_SECTIONS``, in that order; the catalogue in ``docs/indicators/`` is
generated from them.

``check(observation, ctx, params, level)`` returns findings. ``level`` is the severity
the active profile gives this item (veto, deduction or warning); the check uses it
for findings on the main line, ``"warning"`` for early-warning findings below the
line and ``"info"`` for unknowns.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from govwatch.engine.checks.inputs import CheckContext
from govwatch.engine.findings import EvidenceValue, Finding, Severity, TargetKind

CODE_PATTERN = re.compile(r"^[A-Z]{3}\d{3}$")
SLUG_PATTERN = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")
DOC_SECTIONS: tuple[str, ...] = (
    "What it checks",
    "Official source",
    "Thresholds",
    "Applies to",
    "Unknowns",
)

Subject: TypeAlias = Literal["site", "account"]
"""Which observations the check reads (and which verdicts its findings count for)."""

ObsT = TypeVar("ObsT")
ParamsT = TypeVar("ParamsT")


@dataclass(frozen=True)
class Indicator(Generic[ObsT, ParamsT]):
    """Registry record of one indicator."""

    code: str
    slug: str
    title_zh: str
    subjects: tuple[Subject, ...]
    targets: tuple[TargetKind, ...]
    params_type: type[ParamsT]
    run: Callable[[ObsT, CheckContext, ParamsT, Severity], list[Finding]]
    doc: str

    def default_params(self) -> ParamsT:
        return self.params_type()


AnyIndicator: TypeAlias = Indicator[Any, Any]


def make_finding(
    code: str,
    slug: str,
    *,
    target_kind: TargetKind,
    target_id: str,
    severity: Severity,
    message_zh: str,
    evidence: dict[str, EvidenceValue] | None = None,
) -> Finding:
    """Build a finding; kept here so every module fills the same fields the same way."""
    return Finding(
        code=code,
        slug=slug,
        target_kind=target_kind,
        target_id=target_id,
        severity=severity,
        message_zh=message_zh,
        evidence=dict(evidence or {}),
    )


def months_before(day: date, months: int) -> date:
    """The same calendar day ``months`` months earlier, clamped to the month's end.

    The rules say "6个月"/"1年" in calendar months, so 31 August minus 6 months is
    28/29 February, not a fixed count of days.
    """
    total = day.year * 12 + (day.month - 1) - months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def days_between(earlier: date, later: date) -> int:
    """Natural days from ``earlier`` to ``later`` (0 on the same day)."""
    return (later - earlier).days


def ratio_text(value: float) -> str:
    """A ratio as a percentage for messages, with two decimals (5.00 %, not 5 %)."""
    return f"{value * 100:.2f}%"
