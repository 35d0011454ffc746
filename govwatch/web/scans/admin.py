from django.contrib import admin

from govwatch.web.config.admin import ReadOnlyAdmin
from govwatch.web.scans.models import (
    ColumnSnapshot,
    LinkProblem,
    Probe,
    ProbeDay,
    ScanFinding,
    ScanRun,
)


class ColumnInline(admin.TabularInline):
    model = ColumnSnapshot
    extra = 0
    fields = ["name", "url", "kind", "item_count", "newest_date", "blank", "error"]
    readonly_fields = fields
    can_delete = False


class LinkInline(admin.TabularInline):
    model = LinkProblem
    extra = 0
    fields = ["url", "outcome", "reason", "page_url", "anchor_text", "on_home"]
    readonly_fields = fields
    can_delete = False


class FindingInline(admin.TabularInline):
    model = ScanFinding
    extra = 0
    fields = ["code", "severity", "message", "points"]
    readonly_fields = fields
    can_delete = False


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in ScanRun._meta.fields]
    inlines = [ColumnInline, LinkInline, FindingInline]


@admin.register(LinkProblem)
class LinkProblemAdmin(admin.ModelAdmin):
    list_display = ["url", "outcome", "reason", "on_home", "page_url", "run"]
    list_filter = ["outcome", "on_home", "external"]
    search_fields = ["url", "page_url", "anchor_text"]


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
class ScanFindingAdmin(admin.ModelAdmin):
    list_display = ["code", "severity", "message", "run"]
    list_filter = ["severity", "code"]
    search_fields = ["message", "target_id", "run__site__name"]
