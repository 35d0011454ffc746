"""Project-wide middleware.

DatabaseBusyMiddleware turns SQLite's "database is locked" (a write that could not get the
lock within the busy timeout, because another process holds it) into a Chinese 503 page
with a Retry-After header instead of a 500 and a traceback in the log. It sees what views
raise; ``server_error`` (for ``handler500`` in urls.py) answers the same 503 for a busy
database met outside a view (a session or login record saved by another middleware).
"""

from __future__ import annotations

import logging
import sys
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


def busy_response(request: HttpRequest) -> HttpResponse:
    """The 503 of a busy database: JSON under /api/, the Chinese page elsewhere."""
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
        return busy_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the uncaught exception, so the
    exception is at hand; a busy database is a 503, anything else the Chinese 500 page."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_busy(exception):
        return busy_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "服务器处理请求时出错，已记录"},
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(
        render_to_string("500.html"), status=500, content_type="text/html; charset=utf-8"
    )
