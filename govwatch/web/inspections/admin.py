from django.contrib import admin, messages
from django.http import HttpRequest

from govwatch.web.inspections.models import (
    AuditEntry,
    Inspection,
    InspectionFinding,
    InspectionResult,
    Waiver,
)
from govwatch.web.inspections.services import finding_decide


class ResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0
    fields = ["site", "verdict", "score", "reason"]
    readonly_fields = fields
    can_delete = False


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["period", "profile", "scope", "created_at", "created_by"]
    list_filter = ["scope", "profile"]
    inlines = [ResultInline]


class FindingInline(admin.TabularInline):
    model = InspectionFinding
    extra = 0
    fields = ["code", "severity", "message", "points", "state", "state_reason"]
    readonly_fields = fields
    can_delete = False


@admin.register(InspectionResult)
class InspectionResultAdmin(admin.ModelAdmin):
    list_display = ["site", "inspection", "verdict", "score", "reason"]
    list_filter = ["verdict", "inspection"]
    search_fields = ["site__name", "site__site_code"]
    inlines = [FindingInline]


class AuditInline(admin.TabularInline):
    model = AuditEntry
    extra = 0
    fields = ["at", "user", "action", "reason", "verdict_before", "verdict_after"]
    readonly_fields = fields
    can_delete = False


@admin.register(InspectionFinding)
class InspectionFindingAdmin(admin.ModelAdmin):
    """Findings change state only through the actions, so every change is audited."""

    list_display = ["code", "severity", "message", "state", "result"]
    list_filter = ["state", "severity", "code"]
    search_fields = ["message", "target_id", "result__site__name"]
    readonly_fields = [f.name for f in InspectionFinding._meta.fields]
    inlines = [AuditInline]
    actions = ["confirm", "dismiss"]

    def _decide(self, request: HttpRequest, queryset, action: str, label: str) -> None:
        reason = request.POST.get("reason") or f"管理后台批量{label}"
        for finding in queryset:
            finding_decide(finding, action, reason, request.user)
        self.message_user(
            request, f"已{label} {queryset.count()} 个问题，结论已重新计算", messages.SUCCESS
        )

    @admin.action(description="确认所选问题")
    def confirm(self, request: HttpRequest, queryset) -> None:
        self._decide(request, queryset, "confirmed", "确认")

    @admin.action(description="排除所选问题（误报）")
    def dismiss(self, request: HttpRequest, queryset) -> None:
        self._decide(request, queryset, "dismissed", "排除")


@admin.register(Waiver)
class WaiverAdmin(admin.ModelAdmin):
    list_display = ["code", "site", "account", "target_id", "approver", "expires_on"]
    list_filter = ["code"]
    search_fields = ["site__name", "account__name", "reason"]
    autocomplete_fields = ["site", "account"]
