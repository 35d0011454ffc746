"""Scans are evidence: every row here is shown, never added, edited or deleted by hand
(inspection results cite the scans they judged)."""

from django.contrib import admin

from govwatch.web.config.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)


class ColumnInline(ReadOnlyTabularInline):
    model = ColumnSnapshot
    fields = ["name", "url", "kind", "item_count", "newest_date", "blank", "error"]


class LinkInline(ReadOnlyTabularInline):
    model = LinkProblem
    fields = ["url", "outcome", "reason", "page_url", "anchor_text", "on_home"]


class FindingInline(ReadOnlyTabularInline):
    model = ScanFinding
    fields = ["code", "severity", "message", "points"]


@admin.register(ScanRun)
class ScanRunAdmin(ReadOnlyAdmin):
    list_display = [
        "site",
        "scan_date",
        "kind",
        "profile",
        "home_fetched",
        "home_newest_date",
        "finished_at",
    ]
    list_filter = ["scan_date", "kind", "home_fetched"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]
    inlines = [ColumnInline, LinkInline, FindingInline]


@admin.register(LinkProblem)
class LinkProblemAdmin(ReadOnlyAdmin):
    list_display = ["url", "outcome", "reason", "on_home", "page_url", "run"]
    list_filter = ["outcome", "on_home", "external"]
    search_fields = ["url", "page_url", "anchor_text"]
    list_select_related = ["run__site"]


@admin.register(Probe)
class ProbeAdmin(ReadOnlyAdmin):
    list_display = ["site", "at", "outcome", "status", "elapsed_text", "reason"]
    list_filter = ["ok", "outcome", "at"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]
    date_hierarchy = "at"

    @admin.display(description="耗时", ordering="elapsed")
    def elapsed_text(self, obj: Probe) -> str:
        return f"{obj.elapsed:.2f} 秒"


@admin.register(ProbeDay)
class ProbeDayAdmin(ReadOnlyAdmin):
    list_display = ["site", "day", "count", "failed", "failure_ratio", "p50", "p95"]
    list_filter = ["day"]
    search_fields = ["site__name", "site__site_code"]
    list_select_related = ["site"]

    @admin.display(description="失败比例")
    def failure_ratio(self, obj: ProbeDay) -> str:
        return f"{obj.failed / obj.count:.2%}" if obj.count else "-"


@admin.register(ScanFinding)
class ScanFindingAdmin(ReadOnlyAdmin):
    list_display = ["code", "severity", "message", "run"]
    list_filter = ["severity", "code"]
    search_fields = ["message", "target_id", "run__site__name"]
    list_select_related = ["run__site"]
