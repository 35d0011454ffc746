"""Project-wide middleware.

DatabaseBusyMiddleware turns SQLite's "database is locked" (a write that could not get the
lock within the busy timeout, because another process holds it) into a Chinese 503 page
with a Retry-After header instead of a 500 and a traceback in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "数据库正忙：另一个任务正在写入，请稍后再试"
RETRY_AFTER_SECONDS = 5

_BUSY_MARKERS = ("database is locked", "database table is locked")


def is_database_busy(exc: BaseException) -> bool:
    """True for SQLite's lock errors, which say "try again later", not "something broke"."""
    if not isinstance(exc, OperationalError):
        return False
    message = str(exc).lower()
    return any(marker in message for marker in _BUSY_MARKERS)


class DatabaseBusyMiddleware:
    """Answer 503 "数据库正忙" when a view fails because the database is locked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        logger.warning("database busy answering %s %s: %s", request.method, request.path, exception)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": BUSY_MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False}
            )
        else:
            response = HttpResponse(
                render_to_string("503.html", {"message": BUSY_MESSAGE}),
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
