"""The one scope rule: which units, sites, accounts, results and problem lists a login
may see. Every page, export, download and API call filters through these selectors, so
they cannot disagree; an object outside the scope is a 404, never a 403 (an outsider
learns nothing, not even that the object exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from govwatch.web.registry.models import Unit

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What one login may see and do. ``units`` is None for everything."""

    role: str  # supervisor, unit_operator, reader, admin, or "" (no role: sees nothing)
    units: frozenset[int] | None
    unit_id: int | None = None
    user_id: int | None = None
    # True when UNITS held every registered unit when the scope was read (a province's
    # supervisor in a one-province registry): every site and account is then in scope,
    # and the selectors of results and findings need not join them to read their unit.
    whole_registry: bool = False

    @property
    def everything(self) -> bool:
        return self.units is None

    @property
    def can_decide(self) -> bool:
        """Confirm or dismiss findings, send problem lists, close items, decide appeals."""
        return self.role in ("supervisor", "admin")

    @property
    def can_answer(self) -> bool:
        """Answer, upload, submit and appeal the items of its own unit's problem lists."""
        return self.role == "unit_operator"

    def sees_unit(self, unit_id: int | None) -> bool:
        return self.units is None or unit_id in self.units

    def q(self, *paths: str) -> Q:
        """A filter keeping rows whose unit at any of PATHS is in scope."""
        if self.units is None:
            return Q()
        found = Q(pk__in=[])
        for path in paths:
            # int_in (users/lookups.py): the ids as literals, not one bound parameter each.
            found |= Q(**{f"{path}__int_in": self.units})
        return found


NOTHING = Scope(role="", units=frozenset())


def units_below(unit_id: int) -> frozenset[int]:
    """UNIT_ID and every unit under it, read as one (id, parent) list."""
    return _region(unit_id)[0]


def _region(unit_id: int) -> tuple[frozenset[int], bool]:
    """UNIT_ID and every unit under it, and whether that is every unit registered."""
    children: dict[int | None, list[int]] = {}
    total = 0
    for pk, parent in Unit.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
        total += 1
    found, todo = {unit_id}, [unit_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found), len(found) == total


def scope_of(user: Any) -> Scope:
    """The scope of a login, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_govwatch_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    membership = getattr(user, "membership", None) if _has_membership(user) else None
    if user.is_superuser or (membership is not None and membership.role == "admin"):
        scope = Scope(role="admin", units=None, user_id=user.pk)
    elif membership is None or membership.unit_id is None:
        scope = Scope(role="", units=frozenset(), user_id=user.pk)
    elif membership.role == "unit_operator":
        scope = Scope(
            role="unit_operator",
            units=frozenset({membership.unit_id}),
            unit_id=membership.unit_id,
            user_id=user.pk,
        )
    else:
        units, whole = _region(membership.unit_id)
        scope = Scope(
            role=membership.role,
            units=units,
            unit_id=membership.unit_id,
            user_id=user.pk,
            whole_registry=whole,
        )
    user._govwatch_scope = scope
    return scope


def _has_membership(user: Any) -> bool:
    from govwatch.web.users.models import Membership

    try:
        user.membership  # noqa: B018 - the access loads it or raises
    except Membership.DoesNotExist:
        return False
    return True


# --- Selectors: each model's rows in a scope ------------------------------------------


def units_visible(scope: Scope) -> QuerySet[Unit]:
    return Unit.objects.filter(scope.q("pk"))


def sites_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.registry.models import Site

    return Site.objects.filter(scope.q("operating_unit"))


def accounts_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.registry.models import Account

    return Account.objects.filter(scope.q("opening_unit"))


def _target_q(scope: Scope, prefix: str) -> Q:
    """Results (at PREFIX) whose site's operating unit or account's opening unit is in scope.

    Both units are required (NOT NULL, PROTECT), so when the scope holds every registered
    unit the rule reads "has a site or an account": the same rows, without joining 120,000
    results to the sites and accounts (measured by bench/workspace_bench.py)."""
    if scope.whole_registry and scope.units:
        return Q(**{f"{prefix}site__isnull": False}) | Q(**{f"{prefix}account__isnull": False})
    return scope.q(f"{prefix}site__operating_unit", f"{prefix}account__opening_unit")


def results_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.inspections.models import InspectionResult

    return InspectionResult.objects.filter(_target_q(scope, ""))


def findings_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.inspections.models import InspectionFinding

    return InspectionFinding.objects.filter(_target_q(scope, "result__"))


def inspections_visible(scope: Scope) -> QuerySet[Any]:
    """Inspections a login may open: all for supervisors and readers of a region (the
    results inside are scoped), none for a unit operator (it works on problem lists)."""
    from govwatch.web.inspections.models import Inspection

    if scope.role in ("admin", "supervisor", "reader"):
        return Inspection.objects.all()
    return Inspection.objects.none()


def problem_lists_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.tickets.models import ProblemList

    return ProblemList.objects.filter(scope.q("unit"))


def problem_items_visible(scope: Scope) -> QuerySet[Any]:
    from govwatch.web.tickets.models import ProblemItem

    return ProblemItem.objects.filter(scope.q("problem_list__unit"))


def get_visible(queryset: QuerySet[M], **lookup: Any) -> M:
    """One row of a scoped queryset, or 404 whether it is missing or out of scope."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404("对象不存在或无权查看") from None
