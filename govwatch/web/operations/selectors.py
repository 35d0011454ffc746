"""Which operations a login sees: the scope rule of users/selectors.py, by the operation's
region. An operation over everything (no region) is an admin's and only admins see it."""

from __future__ import annotations

from django.db.models import QuerySet

from govwatch.web.operations.models import Operation
from govwatch.web.users.selectors import Scope

SIDE = ("supervisor", "reader", "admin")


def operations_visible(scope: Scope) -> QuerySet[Operation]:
    if scope.role not in SIDE:
        return Operation.objects.none()
    return Operation.objects.filter(scope.q("unit"))
