"""Statistics batches (read-only, they come from imports), quota classes and verdict overrides."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from govwatch.engine.reports import schemas
from govwatch.web.config.admin import ParentLookups, ReadOnlyAdmin, changelist_link, readable_json
from govwatch.web.statistics.models import (
    QuotaAssignment,
    QuotaClass,
    StatisticsBatch,
    StatisticsRow,
    VerdictOverride,
)

# A row's values are keyed by the schema's field names; the page shows the file's headers.
HEADERS = {
    field.key: field.header
    for schema in vars(schemas).values()
    if isinstance(schema, schemas.RecordSchema)
    for field in schema.fields
}

ROWS_ON_BATCH_PAGE = 20


def values_zh(values: dict[str, Any]) -> Any:
    return readable_json({HEADERS.get(k, k): v for k, v in values.items()})


@admin.register(StatisticsRow)
class StatisticsRowAdmin(ParentLookups, ReadOnlyAdmin):
    """Rows are exactly what the import validated; editing one would bypass the checks.
    A batch has a row per unit (thousands at a province): listed here, paginated, and
    linked from the batch's page rather than carried on it."""

    parent_lookups = ("batch__id__exact",)
    list_display = ["batch", "row_number", "unit", "values_shown"]
    list_filter = ["batch__kind", "batch__period"]
    search_fields = ["unit__name", "batch__period"]
    list_select_related = ["batch", "unit"]
    list_per_page = 50
    fields = ["batch", "row_number", "unit", "values_shown"]
    readonly_fields = fields

    @admin.display(description="数据")
    def values_shown(self, obj: StatisticsRow) -> Any:
        return values_zh(obj.values)


@admin.register(StatisticsBatch)
class StatisticsBatchAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "period_start", "period_end", "scope", "source_name"]
    list_filter = ["kind", "period"]
    search_fields = ["period", "source_name", "scope__name"]
    list_select_related = ["scope"]
    readonly_fields = [*list_display, "imported_at", "rows"]

    @admin.display(description="数据行")
    def rows(self, obj: StatisticsBatch) -> Any:
        """The first rows, then a link to all of them (a list paginated by the admin)."""
        shown = obj.rows.select_related("unit").order_by("row_number")[:ROWS_ON_BATCH_PAGE]
        lines = format_html_join(
            "",
            "<li>第{}行 {}：{}</li>",
            (
                (row.row_number, row.unit or "（未匹配单位）", values_zh(row.values))
                for row in shown
            ),
        )
        link = changelist_link(StatisticsRow, "本批次全部数据行", batch__id__exact=obj.pk)
        return format_html("<ul>{}</ul>{}", lines, link)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A batch is created by `govwatch stats import`, which validates the whole file.
        return False


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
    readonly_fields = ["members"]

    # A class can hold hundreds of units: they are assigned on their own list (searchable,
    # paginated), which this page links to, not in a form row per unit.
    @admin.display(description="本类单位")
    def members(self, obj: QuotaClass) -> Any:
        if obj.pk is None:
            return "保存后在“单位报送任务类别”中为单位指定本类别"
        return changelist_link(QuotaAssignment, "本类单位", quota_class__id__exact=obj.pk)


@admin.register(QuotaAssignment)
class QuotaAssignmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "quota_class"]
    list_filter = ["quota_class"]
    search_fields = ["unit__name", "unit__aliases__alias"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "quota_class"]


@admin.register(VerdictOverride)
class VerdictOverrideAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "qualified", "reason", "decided_by", "decided_at"]
    list_filter = ["period", "qualified"]
    search_fields = ["unit__name", "reason"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "decided_by"]
    fields = ["unit", "period", "qualified", "reason", "decided_by"]
    readonly_fields = ["decided_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Who overrode a verdict is recorded, not typed: the verdict is published.
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)
