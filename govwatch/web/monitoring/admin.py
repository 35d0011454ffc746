from django.contrib import admin
from django.http import HttpRequest

from govwatch.web.config.admin import ReadOnlyAdmin, json_display
from govwatch.web.monitoring.models import EarlyWarning, Lease, Schedule


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "target",
        "enabled",
        "interval_minutes",
        "jitter_seconds",
        "next_run_at",
        "last_started_at",
        "last_state",
        "last_message",
    ]
    list_editable = ["enabled", "interval_minutes"]
    list_filter = ["kind", "enabled", "last_state"]
    search_fields = ["site__name", "site__site_code", "account__name"]
    autocomplete_fields = ["site", "account"]
    readonly_fields = ["last_started_at", "last_finished_at", "last_state", "last_message"]
    list_select_related = ["site", "account"]

    @admin.display(description="对象")
    def target(self, obj: Schedule) -> str:
        return str(obj.site or obj.account or "全部")


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "code", "target", "message", "days_left"]
    list_filter = ["day", "kind", "code"]
    search_fields = ["message", "site__name", "account__name", "target_id"]
    list_select_related = ["site", "account"]
    fields = ["day", "kind", "code", "site", "account", "target_id", "message", "days_left"]
    fields += ["evidence_shown"]
    readonly_fields = fields
    evidence_shown = json_display("evidence", "依据")

    @admin.display(description="对象")
    def target(self, obj: EarlyWarning) -> str:
        return str(obj.site or obj.account or obj.target_id)


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    list_display = ["key", "holder", "expires_at"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Freeing a site whose holder is gone, before its lease runs out.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
