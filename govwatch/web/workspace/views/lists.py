"""What both sides show of problem lists and items: the counts of a list's items, the
working days left, and everything one item page shows (problem, evidence, answer, files,
re-check, appeal and its whole history)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from govwatch.engine.workdays import WorkCalendar
from govwatch.web.tickets.models import DONE, ProblemItem, ProblemList
from govwatch.web.tickets.services import TicketError, dispatch_calendar, working_days_left
from govwatch.web.users.selectors import Scope, get_visible, problem_items_visible


def lists_with_counts(lists: QuerySet[ProblemList]) -> QuerySet[ProblemList]:
    """Each list with its items counted by the database: total, 办结, 逾期."""
    return lists.annotate(
        total=Count("items"),
        closed=Count("items", filter=Q(items__state__in=DONE)),
        overdue=Count("items", filter=Q(items__state="overdue")),
    )


def days_left(problem_list: ProblemList, calendar: WorkCalendar | None = None) -> int | None:
    """Working days to the deadline, negative once past it; None when the work calendar
    does not cover the dates (a page still opens, and says it cannot count)."""
    try:
        return working_days_left(problem_list, calendar=calendar)
    except ValueError:  # CalendarNotCovered, CalendarFileError: both carry Chinese text
        return None


def with_days_left(lists: Iterable[ProblemList]) -> list[dict[str, Any]]:
    """Rows of (list, working days left)."""
    calendar = dispatch_calendar()  # read once for the page, not once per list
    return [{"list": pl, "days_left": days_left(pl, calendar)} for pl in lists]


def list_context(problem_list: ProblemList) -> dict[str, Any]:
    """What a list's page shows on both sides: the list, its days left, its items."""
    items = problem_list.items.select_related("site", "account", "column").order_by("pk")
    return {"problem_list": problem_list, "days": days_left(problem_list), "items": items}


def item_context(item: ProblemItem) -> dict[str, Any]:
    problem_list = item.problem_list
    return {
        "item": item,
        "problem_list": problem_list,
        "days_left": days_left(problem_list),
        "attachments": list(item.attachments.select_related("uploaded_by")),
        "events": list(item.events.select_related("user").order_by("at", "pk")),
    }


def item_action(
    request: HttpRequest,
    scope: Scope,
    pk: int,
    act: Callable[[ProblemItem], Any],
    done: str,
    back: str,
) -> HttpResponse:
    """Run one action on an item in scope and go back to the item's page (BACK, a URL
    name); a refusal (TicketError) is shown as a message, not raised."""
    item = get_visible(problem_items_visible(scope), pk=pk)
    try:
        act(item)
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(back, pk=item.pk)
