"""Admin pieces every app's admin shares."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

# Many gov sites still answer on plain http, so a typed address without scheme means http.
URL_FIELDS = {models.URLField: {"assume_scheme": "http"}}


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Evidence and computed rows: shown, never added, edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
