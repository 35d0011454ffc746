"""What both sides show of problem lists and items: the counts of a list's items, the
working days left, and everything one item page shows (problem, evidence, answer, files,
re-check, appeal and its whole history)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from govwatch.web.tickets.models import DONE, ProblemItem, ProblemList
from govwatch.web.tickets.services import working_days_left


def lists_with_counts(lists: QuerySet[ProblemList]) -> QuerySet[ProblemList]:
    """Each list with its items counted by the database: total, 办结, 逾期."""
    return lists.annotate(
        total=Count("items"),
        closed=Count("items", filter=Q(items__state__in=DONE)),
        overdue=Count("items", filter=Q(items__state="overdue")),
    )


def days_left(problem_list: ProblemList) -> int | None:
    """Working days to the deadline, negative once past it; None when the work calendar
    does not cover the dates (a page still opens, and says it cannot count)."""
    try:
        return working_days_left(problem_list)
    except ValueError:  # CalendarNotCovered, CalendarFileError: both carry Chinese text
        return None


def with_days_left(lists: Iterable[ProblemList]) -> list[dict[str, Any]]:
    """Rows of (list, working days left)."""
    return [{"list": pl, "days_left": days_left(pl)} for pl in lists]


def item_context(item: ProblemItem) -> dict[str, Any]:
    problem_list = item.problem_list
    return {
        "item": item,
        "problem_list": problem_list,
        "days_left": days_left(problem_list),
        "attachments": list(item.attachments.select_related("uploaded_by")),
        "events": list(item.events.select_related("user").order_by("at", "pk")),
    }
