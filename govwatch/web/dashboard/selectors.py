"""The overview of one node of the region tree: its figures (its own and every unit's
below it), its children's, its trend over the recent inspections and its failing list.

The unit tree and the stored per-unit figures are read once per request and summed up the
tree in Python: a few thousand rows, where summing in SQL would need a recursive query
per node."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from govwatch.engine.profiles.model import RateFormat
from govwatch.engine.profiles.rates import format_rate
from govwatch.web.dashboard.models import UnitActivity, UnitVerdicts
from govwatch.web.dashboard.services import TREND_INSPECTIONS, WINDOWS
from govwatch.web.inspections.models import Inspection, InspectionResult
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.models import DONE, ProblemItem
from govwatch.web.users.selectors import Scope

# The overview shows two places, rounded; a bulletin uses its profile's own rounding.
PASS_RATE = RateFormat(decimals=2, rounding="half_up")
ACTIVITY = (
    "sites",
    "accounts",
    "probes",
    "probes_failed",
    "home_dead_links",
    "stale_columns",
    "blank_columns",
    *(f"site_updates_{d}" for d in WINDOWS),
    *(f"account_updates_{d}" for d in WINDOWS),
)
VERDICT_FIELDS = (
    "sites_qualified",
    "sites_unqualified",
    "sites_unknown",
    "accounts_qualified",
    "accounts_unqualified",
    "accounts_unknown",
)


# A unit's figures as one flat vector (activity, this inspection's verdicts, the previous
# one's, open and overdue problems): summing a province's thousands of units is then one
# zip per unit instead of a dict walk.
SLOTS = len(ACTIVITY) + 2 * len(VERDICT_FIELDS) + 2
_ACT = slice(0, len(ACTIVITY))
_NOW = slice(len(ACTIVITY), len(ACTIVITY) + len(VERDICT_FIELDS))
_BEFORE = slice(_NOW.stop, _NOW.stop + len(VERDICT_FIELDS))


@dataclass
class Figures:
    """Counts of a node: activity, this and the previous inspection's verdicts, problems."""

    activity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIVITY, 0))
    now: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICT_FIELDS, 0))
    before: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICT_FIELDS, 0))
    open_problems: int = 0
    overdue: int = 0

    @classmethod
    def of(cls, vector: list[int]) -> Figures:
        """Figures from a vector laid out as SLOTS."""
        return cls(
            activity=dict(zip(ACTIVITY, vector[_ACT], strict=True)),
            now=dict(zip(VERDICT_FIELDS, vector[_NOW], strict=True)),
            before=dict(zip(VERDICT_FIELDS, vector[_BEFORE], strict=True)),
            open_problems=vector[-2],
            overdue=vector[-1],
        )

    def _rate(self, counts: dict[str, int], kind: str) -> tuple[int, int]:
        return counts[f"{kind}_qualified"], counts[f"{kind}_qualified"] + counts[
            f"{kind}_unqualified"
        ]

    def pass_rate(self, kind: str = "sites") -> str:
        qualified, judged = self._rate(self.now, kind)
        return format_rate(qualified, judged, PASS_RATE) if judged else "—"

    def pass_rate_before(self, kind: str = "sites") -> str:
        qualified, judged = self._rate(self.before, kind)
        return format_rate(qualified, judged, PASS_RATE) if judged else "—"

    def pass_value(self, kind: str = "sites", counts: dict[str, int] | None = None) -> float | None:
        qualified, judged = self._rate(self.now if counts is None else counts, kind)
        return round(100 * qualified / judged, 2) if judged else None

    def trend(self, kind: str = "sites") -> float | None:
        """Percentage points since the previous inspection (None when either is unjudged)."""
        now, before = self.pass_value(kind), self.pass_value(kind, self.before)
        return None if now is None or before is None else round(now - before, 2)

    @property
    def unqualified(self) -> int:
        return self.now["sites_unqualified"] + self.now["accounts_unqualified"]

    @property
    def unknown(self) -> int:
        return self.now["sites_unknown"] + self.now["accounts_unknown"]

    @property
    def availability(self) -> str:
        probes, failed = self.activity["probes"], self.activity["probes_failed"]
        return format_rate(probes - failed, probes, PASS_RATE) if probes else "—"

    def updates(self, days: int) -> int:
        return self.activity[f"site_updates_{days}"] + self.activity[f"account_updates_{days}"]

    @property
    def update_windows(self) -> list[tuple[int, int, int]]:
        return [
            (d, self.activity[f"site_updates_{d}"], self.activity[f"account_updates_{d}"])
            for d in WINDOWS
        ]


@dataclass
class Node:
    unit: UnitRow
    figures: Figures
    is_region: bool
    has_children: bool


@dataclass
class Overview:
    node: Unit | None  # None: everything (an administrator's top)
    figures: Figures
    children: list[Node]
    ancestors: list[UnitRow]
    inspection: Inspection | None
    previous: Inspection | None
    inspections: list[Inspection]
    trend: list[dict[str, Any]]
    computed_at: Any
    as_of: Any
    subtree: frozenset[int] | None  # None: every unit


@dataclass(frozen=True)
class UnitRow:
    """A unit as the tree needs it (read as tuples: a province has thousands)."""

    pk: int
    name: str
    parent_id: int | None
    kind: str


class _Tree:
    def __init__(self, scope: Scope) -> None:
        self.units: dict[int, UnitRow] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        rows = Unit.objects.order_by("name").values_list("pk", "name", "parent_id", "kind")
        for pk, name, parent_id, kind in rows:
            if scope.sees_unit(pk):
                self.units[pk] = UnitRow(pk, name, parent_id, kind)
        for unit in self.units.values():
            # A unit whose parent is outside the scope is a top of this scope's tree.
            parent = unit.parent_id if unit.parent_id in self.units else None
            self.children[parent].append(unit.pk)

    def below(self, root: int | None) -> frozenset[int]:
        found: set[int] = set() if root is None else {root}
        todo = list(self.children[root])
        while todo:
            unit = todo.pop()
            found.add(unit)
            todo.extend(self.children[unit])
        return frozenset(found)

    def ancestors(self, unit: Unit) -> list[UnitRow]:
        chain, parent = [], unit.parent_id
        while parent in self.units:
            chain.append(self.units[parent])
            parent = self.units[parent].parent_id
        return chain[::-1]


def inspections_for_overview() -> list[Inspection]:
    """The inspections the overview can show, newest first (those with figures stored)."""
    return list(Inspection.objects.order_by("-created_at", "-pk")[:TREND_INSPECTIONS])


def _previous(inspection: Inspection, inspections: list[Inspection]) -> Inspection | None:
    """The newest earlier inspection of another period: "this quarter against last"."""
    for other in inspections:
        if other.period_end < inspection.period_start or (
            other.period != inspection.period and other.created_at < inspection.created_at
        ):
            return other
    return None


def _own_vectors(
    units: frozenset[int], inspection: Inspection | None, previous: Inspection | None
) -> dict[int, list[int]]:
    own: dict[int, list[int]] = {}

    def vector(unit_id: int) -> list[int]:
        if unit_id not in own:
            own[unit_id] = [0] * SLOTS
        return own[unit_id]

    for unit_id, *counts in UnitActivity.objects.values_list("unit_id", *ACTIVITY).iterator(
        chunk_size=5000
    ):
        if unit_id in units:
            vector(unit_id)[_ACT] = counts
    wanted = [i.pk for i in (inspection, previous) if i is not None]
    rows = UnitVerdicts.objects.filter(inspection__in=wanted).values_list(
        "unit_id", "inspection_id", *VERDICT_FIELDS
    )
    for unit_id, inspection_id, *counts in rows.iterator(chunk_size=5000):
        if unit_id in units:
            now = inspection is not None and inspection_id == inspection.pk
            vector(unit_id)[_NOW if now else _BEFORE] = counts
    problems = (
        ProblemItem.objects.exclude(state__in=DONE)
        .order_by()
        .values_list("problem_list__unit")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(state="overdue")))
    )
    for unit_id, n, late in problems:
        if unit_id in units:
            vector(unit_id)[-2:] = [n, late]
    return own


def _subtree_sum(tree: _Tree, own: dict[int, list[int]], root: int) -> list[int]:
    """ROOT's vector with everything below it."""
    total = [0] * SLOTS
    todo = [root]
    while todo:
        unit = todo.pop()
        if unit in own:
            total = [a + b for a, b in zip(total, own[unit], strict=True)]
        todo.extend(tree.children[unit])
    return total


def _trend(subtree: frozenset[int] | None, inspections: list[Inspection]) -> list[dict[str, Any]]:
    rows = UnitVerdicts.objects.filter(inspection__in=[i.pk for i in inspections])
    if subtree is not None:
        rows = rows.filter(unit__int_in=subtree)
    sums = {
        row["inspection"]: row
        for row in rows.order_by()
        .values("inspection")
        .annotate(**{key: Sum(key) for key in VERDICT_FIELDS})
    }
    # One point per period: the newest inspection of it (a period inspected again, or
    # once for all and once for a region, is not two quarters).
    newest: dict[str, Inspection] = {}
    for inspection in sorted(inspections, key=lambda i: (i.period_end, i.created_at)):
        if inspection.pk in sums:
            newest[inspection.period] = inspection
    trend = []
    for inspection in sorted(newest.values(), key=lambda i: i.period_end):
        counts = sums.get(inspection.pk)
        if counts is None:
            continue
        figures = Figures(now={key: counts[key] or 0 for key in VERDICT_FIELDS})
        if figures.pass_value("sites") is None and figures.pass_value("accounts") is None:
            continue  # nothing judged in that period here: no point to draw
        trend.append(
            {
                "period": inspection.period,
                "sites": figures.pass_value("sites"),
                "accounts": figures.pass_value("accounts"),
                "unqualified": figures.unqualified,
            }
        )
    return trend


def region_overview(scope: Scope, node: Unit | None, inspection: Inspection | None) -> Overview:
    tree = _Tree(scope)
    inspections = inspections_for_overview()
    if inspection is None and inspections:
        inspection = inspections[0]
    previous = _previous(inspection, inspections) if inspection else None
    root = node.pk if node is not None else None
    subtree = tree.below(root)
    own = _own_vectors(subtree, inspection, previous)
    sums = {child: _subtree_sum(tree, own, child) for child in tree.children[root]}
    top = own.get(root, [0] * SLOTS) if root is not None else [0] * SLOTS
    for vector in sums.values():
        top = [a + b for a, b in zip(top, vector, strict=True)]
    figures = Figures.of(top)
    children = [
        Node(
            unit=tree.units[child],
            figures=Figures.of(sums[child]),
            is_region=tree.units[child].kind == "government",
            has_children=bool(tree.children[child]),
        )
        for child in tree.children[root]
    ]
    # Regions first, then the departments; each by name.
    children.sort(key=lambda n: (not n.is_region, n.unit.name))
    stamps = UnitActivity.objects.aggregate(at=Max("computed_at"), as_of=Max("as_of"))
    everything = node is None and scope.everything
    return Overview(
        node=node,
        figures=figures,
        children=children,
        ancestors=tree.ancestors(node) if node is not None else [],
        inspection=inspection,
        previous=previous,
        inspections=inspections,
        trend=_trend(None if everything else subtree, inspections),
        computed_at=stamps["at"],
        as_of=stamps["as_of"],
        subtree=None if everything else subtree,
    )


def failing_results(overview: Overview) -> QuerySet[InspectionResult]:
    """The unqualified results of the overview's inspection under its node, with reasons."""
    if overview.inspection is None:
        return InspectionResult.objects.none()
    rows = InspectionResult.objects.filter(inspection=overview.inspection, verdict="unqualified")
    if overview.subtree is not None:
        rows = rows.filter(
            Q(site__operating_unit__int_in=overview.subtree)
            | Q(account__opening_unit__int_in=overview.subtree)
        )
    return rows.select_related("site__operating_unit", "account__opening_unit").order_by(
        "score", "site__site_code", "account__name", "pk"
    )
