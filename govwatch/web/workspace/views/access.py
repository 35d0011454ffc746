"""Who may open which side, and the small helpers every view shares.

Each side is a role check on top of the login: a page of the wrong side is a 404, like an
object outside the scope (an outsider learns nothing, not even that the page exists). A
reader opens the supervisor side but every change there is a 403: it sees, never changes.
Objects are always fetched through the scope selectors (users/selectors.py), never by pk alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from govwatch.web.users.selectors import Scope, scope_of

P = ParamSpec("P")
ScopedView = Callable[Concatenate[HttpRequest, Scope, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]

# Roles that open /supervise/: supervisors and admins work there, readers (leaders) look.
SUPERVISOR_SIDE = ("supervisor", "reader", "admin")
PER_PAGE = 50


def _side(roles: tuple[str, ...], view: ScopedView[P]) -> View[P]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        scope = scope_of(request.user)
        if scope.role not in roles:
            raise Http404("页面不存在")
        return view(request, scope, *args, **kwargs)

    return login_required(wrapped)


def supervisor_page(view: ScopedView[P]) -> View[P]:
    """A /supervise/ page: supervisors, readers and admins; anyone else gets a 404."""
    return _side(SUPERVISOR_SIDE, view)


def supervisor_action(view: ScopedView[P]) -> View[P]:
    """A /supervise/ change: POST only, and only for a role that may decide (a reader gets 403)."""

    @wraps(view)
    def decider(
        request: HttpRequest, scope: Scope, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse:
        if not scope.can_decide:
            raise PermissionDenied("只读账号不能进行此操作")
        return view(request, scope, *args, **kwargs)

    return require_POST(_side(SUPERVISOR_SIDE, decider))


def portal_page(view: ScopedView[P]) -> View[P]:
    """A /portal/ page: unit operators only; anyone else gets a 404."""
    return _side(("unit_operator",), view)


def portal_action(view: ScopedView[P]) -> View[P]:
    """A /portal/ change: POST only, unit operators only."""
    return require_POST(_side(("unit_operator",), view))


def paginate(
    request: HttpRequest, rows: Any, param: str = "page", per_page: int = PER_PAGE
) -> Page:
    """One page of ROWS; a page number that is no number or out of range shows the nearest."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))
