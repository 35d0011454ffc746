"""Inspections, their results and findings are evidence (bulletins and problem lists cite
them): read-only here, admins included. A finding's state changes only through the
confirm and dismiss actions, which take a reason and go through finding_decide (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from govwatch.engine.checks.registry import CODES
from govwatch.web.config.admin import (
    FINDING_FIELDS,
    ParentLookups,
    ReadOnlyAdmin,
    ReadOnlyTabularInline,
    changelist_link,
    indicator_zh,
    json_display,
    profile_zh,
)
from govwatch.web.inspections.models import (
    AuditEntry,
    FindingDecision,
    Inspection,
    InspectionFinding,
    InspectionResult,
    Waiver,
)
from govwatch.web.inspections.services import finding_decide

REASON_MISSING_ZH = "请在“理由”框中填写确认或排除的理由，未作任何修改"


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    """Undeletable: results, problem lists and bulletins cite the inspection.

    An inspection judges every site and account in scope (hundreds, at a province tens of
    thousands): its page links to its results, findings and problem lists, counted, and
    does not carry them inline."""

    list_display = ["period", "profile_shown", "scope", "created_at", "created_by"]
    list_filter = ["scope", "created_at"]
    fields = [
        "period",
        "period_start",
        "period_end",
        "profile_shown",
        "scope",
        "region",
        "sample_size",
        "sample_seed",
        "created_at",
        "created_by",
        "lists",
    ]
    readonly_fields = fields

    @admin.display(description="指标方案", ordering="profile")
    def profile_shown(self, obj: Inspection) -> str:
        return profile_zh(obj.profile)

    @admin.display(description="检查结果与问题")
    def lists(self, obj: Inspection) -> Any:
        from govwatch.web.tickets.models import ProblemList

        return format_html(
            "{}　{}　{}　{}",
            changelist_link(InspectionResult, "全部检查结果", inspection__id__exact=obj.pk),
            changelist_link(
                InspectionResult,
                "不合格",
                inspection__id__exact=obj.pk,
                verdict__exact="unqualified",
            ),
            changelist_link(InspectionFinding, "检查问题", result__inspection__id__exact=obj.pk),
            changelist_link(ProblemList, "问题清单", inspection__id__exact=obj.pk),
        )


class FindingInline(ReadOnlyTabularInline):
    model = InspectionFinding
    fields = ["code", "severity", "message", "points", "state", "state_reason"]
    show_change_link = True


@admin.register(InspectionResult)
class InspectionResultAdmin(ReadOnlyAdmin):
    list_display = ["target", "inspection", "verdict", "score", "reason"]
    list_filter = ["verdict", "inspection"]
    search_fields = ["site__name", "site__site_code", "account__name"]
    list_select_related = ["site", "account", "inspection"]
    list_per_page = 50
    fields = [
        "inspection",
        "site",
        "account",
        "scan",
        "verdict",
        "score",
        "reason",
        "observed",
        "items_shown",
    ]
    readonly_fields = fields
    items_shown = json_display("items", "分项得分")
    inlines = [FindingInline]

    @admin.display(description="检查对象")
    def target(self, obj: InspectionResult) -> str:
        return str(obj.site or obj.account or "—")


class AuditInline(ReadOnlyTabularInline):
    model = AuditEntry
    fields = ["at", "user", "action", "reason", "verdict_before", "verdict_after"]


class ReasonActionForm(ActionForm):
    """The action bar of the findings list, with the reason every decision needs."""

    reason = forms.CharField(label="理由", required=False, max_length=500)


@admin.register(InspectionFinding)
class InspectionFindingAdmin(ParentLookups, ReadOnlyAdmin):
    """Findings change state only through the actions, so every change is audited."""

    parent_lookups = ("result__inspection__id__exact",)

    list_display = ["code", "severity", "message", "state", "result"]
    list_filter = ["state", "severity", "code"]
    search_fields = ["message", "target_id", "result__site__name", "result__account__name"]
    list_select_related = ["result__site", "result__account", "result__inspection"]
    list_per_page = 50
    fields = ["result", *FINDING_FIELDS, "state", "state_reason"]
    readonly_fields = fields
    evidence_shown = json_display("evidence", "证据")
    inlines = [AuditInline]

    @admin.display(description="指标")
    def indicator(self, obj: InspectionFinding) -> str:
        return indicator_zh(obj.code)

    actions = ["confirm", "dismiss"]
    action_form = ReasonActionForm

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[InspectionFinding], action: str, label: str
    ) -> None:
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, REASON_MISSING_ZH, messages.ERROR)
            return
        done, refused = 0, []
        for finding in queryset.select_related("result__inspection"):
            try:
                finding_decide(finding, action, reason, request.user)
            except ValueError as exc:
                refused.append(f"{finding.code} {finding.message[:30]}：{exc}")
            else:
                done += 1
        if done:
            self.message_user(request, f"已{label} {done} 个问题，结论已重新计算", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"未{label}：{line}", messages.ERROR)

    @admin.action(description="确认所选问题（须填写理由）")
    def confirm(self, request: HttpRequest, queryset: QuerySet[InspectionFinding]) -> None:
        self._decide(request, queryset, "confirmed", "确认")

    @admin.action(description="排除所选问题（误报，须填写理由）")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[InspectionFinding]) -> None:
        self._decide(request, queryset, "dismissed", "排除")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "state_before", "reason", "finding"]
    list_filter = ["action", "at"]
    search_fields = ["reason", "finding__result__site__name", "finding__result__account__name"]
    list_select_related = ["user", "finding"]
    date_hierarchy = "at"


@admin.register(FindingDecision)
class FindingDecisionAdmin(ReadOnlyAdmin):
    """Appended by finding_decide, never edited: the newest decision for an identity wins."""

    list_display = [
        "decided_at",
        "code",
        "target",
        "target_id",
        "state",
        "reason",
        "user",
        "period",
    ]
    list_filter = ["state", "code", "period"]
    search_fields = ["site__name", "account__name", "target_id", "reason"]
    list_select_related = ["site", "account", "user"]
    date_hierarchy = "decided_at"

    @admin.display(description="网站或账号")
    def target(self, obj: FindingDecision) -> str:
        return str(obj.site or obj.account or "—")


class WaiverForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Waiver
        fields = "__all__"
        help_texts = {
            "code": "指标注册表中的代码，如 " + "、".join(CODES[:4]) + " 等",
            "expires_on": "须晚于今天",
        }


@admin.register(Waiver)
class WaiverAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Waivers are checked by Waiver.clean (a registered indicator, one target, a future
    expiry), so the form refuses what the inspection would silently ignore."""

    form = WaiverForm
    list_display = ["code", "indicator", "site", "account", "target_id", "approver", "expires_on"]
    list_filter = ["code"]
    search_fields = ["code", "site__name", "account__name", "reason"]
    autocomplete_fields = ["site", "account"]
    list_select_related = ["site", "account"]

    @admin.display(description="指标")
    def indicator(self, obj: Waiver) -> str:
        return indicator_zh(obj.code)
