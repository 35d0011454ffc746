"""Statistics batches (read-only, they come from imports), quota classes and verdict overrides."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govwatch.web.statistics.models import (
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)


class StatisticsRowInline(admin.TabularInline):
    # Rows are exactly what the import validated; editing one would bypass the checks.
    model = StatisticsRow
    fields = ["row_number", "unit", "values"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatisticsBatch)
class StatisticsBatchAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "period_start", "period_end", "scope", "source_name"]
    list_filter = ["kind", "period"]
    search_fields = ["period", "source_name", "scope__name"]
    readonly_fields = [*list_display, "imported_at"]
    inlines = [StatisticsRowInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A batch is created by `govwatch stats import`, which validates the whole file.
        return False


class QuotaAssignmentInline(admin.TabularInline):
    model = QuotaAssignment
    autocomplete_fields = ["unit"]
    extra = 1


@admin.register(QuotaClass)
class QuotaClassAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "description",
        "min_submissions_per_month",
        "min_adoptions_per_month",
        "news_briefs_count",
    ]
    search_fields = ["name", "description"]
    inlines = [QuotaAssignmentInline]


@admin.register(QuotaAssignment)
class QuotaAssignmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "quota_class"]
    list_filter = ["quota_class"]
    search_fields = ["unit__name", "unit__aliases__alias"]
    autocomplete_fields = ["unit"]


@admin.register(VerdictOverride)
class VerdictOverrideAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "qualified", "reason", "decided_by", "decided_at"]
    list_filter = ["period", "qualified"]
    search_fields = ["unit__name", "reason"]
    autocomplete_fields = ["unit"]
    fields = ["unit", "period", "qualified", "reason", "decided_by"]
    readonly_fields = ["decided_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Who overrode a verdict is recorded, not typed: the verdict is published.
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
