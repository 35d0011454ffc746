"""运行操作 in the admin: shown read-only (they are started from the workspace, where
their scope is checked), parameters and results readable, never raw JSON."""

from typing import Any

from django.contrib import admin

from govwatch.web.config.admin import ReadOnlyAdmin, json_display
from govwatch.web.operations.models import Operation


@admin.register(Operation)
class OperationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "state", "unit", "started_by", "progress", "created_at")
    list_filter = ("kind", "state")
    list_select_related = ("unit", "started_by")
    search_fields = ("message", "unit__name", "started_by__username")
    params_shown = json_display("params", "参数")
    result_shown = json_display("result", "结果")
    fields = (
        "kind", "state", "unit", "started_by", "progress", "message", "params_shown",
        "result_shown", "error", "runner", "created_at", "started_at", "finished_at",
        "heartbeat_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="进度")
    def progress(self, obj: Any) -> str:
        return f"{obj.done}/{obj.total}" if obj.total else "—"
