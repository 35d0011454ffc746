from django.contrib import admin

from govwatch.web.operations.models import Operation


@admin.register(Operation)
class OperationAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "state", "unit", "started_by", "done", "total", "created_at")
    list_filter = ("kind", "state")
    readonly_fields = [f.name for f in Operation._meta.fields]

    # Operations are started from the workspace (运行操作), where their scope is checked.
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
