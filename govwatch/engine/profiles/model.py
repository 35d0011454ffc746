"""Profile value objects: which indicators apply, at which severity, with which points.

A profile is loaded from YAML by ``loader.load_profile``; overlays (``extends``) are
merged into their base before these objects are built, so a ``Profile`` is always
complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from govwatch.engine.findings import Severity

Rounding: TypeAlias = Literal["half_up", "truncate"]
SiteClass: TypeAlias = Literal["portal", "department_site"]
PointsStatus: TypeAlias = Literal["confirmed", "derived", "unconfirmed"]


@dataclass(frozen=True)
class Rule:
    """How one indicator is used by a profile.

    ``params`` is an instance of the indicator's ``Params`` dataclass. A deduction
    rule has ``points_each`` (points per deduction unit) and an ``item`` whose points
    cap the sum of its deductions.
    """

    code: str
    enabled: bool
    severity: Severity
    params: Any
    points_each: float | None = None
    item: str | None = None


@dataclass(frozen=True)
class Item:
    """A scored item (指标) of the deduction part; its points cap its deductions."""

    item_id: str
    name_zh: str
    points: float
    block: str | None = None
    status: PointsStatus = "unconfirmed"


@dataclass(frozen=True)
class SiteScoring:
    deduct_total: float = 100.0
    bonus_total: float = 30.0
    fail_if_score_lt: float = 60.0
    bonus_if_score_gt: float = 80.0
    service_block: str = "service"
    service_block_points: float = 25.0
    deduct_applies_to: tuple[SiteClass, ...] = ("portal",)
    # Indicators whose undecided finding leaves a passing verdict open (无法判定).
    unknown_blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountScoring:
    """Accounts pass or fail on vetoes; ``deduct_total`` None = no deduction part."""

    deduct_total: float | None = None
    fail_if_score_lt: float = 60.0
    unknown_blocks: tuple[str, ...] = ()  # as SiteScoring.unknown_blocks


@dataclass(frozen=True)
class Dispatch:
    """Deadlines of problem lists (问题清单), in official working days.

    ``deadline_working_days`` after the list is sent the unit must have submitted its
    rectification; ``remind_working_days`` before that it is reminded; an item still open
    ``escalate_after_working_days`` after the deadline is escalated to the unit's
    supervising leader. Seed 003 asks for reports within about ten working days.
    """

    deadline_working_days: int = 10
    remind_working_days: int = 2
    escalate_after_working_days: int = 3


@dataclass(frozen=True)
class RateFormat:
    decimals: int
    rounding: Rounding


@dataclass(frozen=True)
class Profile:
    name: str
    title_zh: str
    source_file: str
    extends: str | None
    site: SiteScoring
    account: AccountScoring
    rates: Mapping[str, RateFormat]
    items: Mapping[str, Item]
    rules: Mapping[str, Rule]
    dispatch: Dispatch = Dispatch()

    def rate_format(self, kind: str) -> RateFormat:
        """The format for one kind of rate (pass_rate, completion_rate …), else default."""
        return self.rates.get(kind) or self.rates["default"]

    def enabled_rules(self) -> list[Rule]:
        return [rule for _, rule in sorted(self.rules.items()) if rule.enabled]
