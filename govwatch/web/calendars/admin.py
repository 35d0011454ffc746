"""Entry of calendar years in the Chinese admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govwatch.web.calendars.models import CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "entered_by", "updated_at"]
    search_fields = ["source"]
    list_select_related = ["entered_by"]
    fields = ["year", "source", "holidays", "working_days", "entered_by"]
    readonly_fields = ["entered_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Who entered a year is recorded, not typed: the arrangement moves every deadline.
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
