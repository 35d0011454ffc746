"""Problem lists in the admin: read-only, admins included.

Lists, items, their history and evidence files change only through the workspace pages
(the services in govwatch.web.tickets.services check each transition and record it as an
ItemEvent); here an administrator looks things up. Files are named, never served: the
scoped download view is the only way to a file's bytes.
"""

from __future__ import annotations

from django.contrib import admin

from govwatch.web.config.admin import (
    ParentLookups,
    ReadOnlyAdmin,
    ReadOnlyTabularInline,
    indicator_zh,
    json_display,
)
from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem, ProblemList
from govwatch.web.tickets.services import ACTION_ZH


def action_zh(event: ItemEvent) -> str:
    return ACTION_ZH.get(event.action, event.action)


class ItemInline(ReadOnlyTabularInline):
    model = ProblemItem
    fields = ["code", "title", "severity", "message", "state", "recheck", "recurrence"]
    show_change_link = True


@admin.register(ProblemList)
class ProblemListAdmin(ParentLookups, ReadOnlyAdmin):
    parent_lookups = ("inspection__id__exact",)
    list_display = ["unit", "period", "sent_at", "deadline", "received_at", "sent_by"]
    list_filter = ["period", ("unit", admin.RelatedOnlyFieldListFilter), "deadline"]
    search_fields = ["unit__name", "period", "note", "items__message"]
    list_select_related = ["unit", "sent_by"]
    date_hierarchy = "sent_at"
    inlines = [ItemInline]


class EventInline(ReadOnlyTabularInline):
    model = ItemEvent
    fields = ["at", "user", "action_shown", "state_before", "state_after", "note"]

    @admin.display(description="操作")
    def action_shown(self, obj: ItemEvent) -> str:
        return action_zh(obj)


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    fields = ["name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(ProblemItem)
class ProblemItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "period", "subject_name", "state", "recheck", "updated_at"]
    list_filter = [
        "state",
        "recheck",
        "severity",
        "problem_list__period",
        ("problem_list__unit", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "problem_list__unit__name",
        "message",
        "title",
        "site__name",
        "account__name",
        "target_id",
    ]
    list_select_related = ["problem_list__unit", "site", "column__site", "account"]
    list_per_page = 50
    fields = [
        "problem_list",
        "finding",
        "subject",
        "site",
        "column",
        "account",
        "code",
        "indicator",
        "severity",
        "target_kind",
        "target_id",
        "message",
        "evidence_shown",
        "recurrence",
        "state",
        "answer",
        "appeal_reason",
        "decision_reason",
        "recheck",
        "recheck_note",
        "recheck_at",
        "submitted_at",
        "closed_at",
        "escalated_at",
        "reminded_at",
        "updated_at",
    ]
    readonly_fields = fields
    evidence_shown = json_display("evidence", "证据")
    inlines = [EventInline, AttachmentInline]

    @admin.display(description="指标")
    def indicator(self, obj: ProblemItem) -> str:
        return indicator_zh(obj.code)

    @admin.display(description="责任单位", ordering="problem_list__unit__name")
    def unit(self, obj: ProblemItem) -> str:
        return obj.problem_list.unit.name

    @admin.display(description="检查期", ordering="problem_list__period")
    def period(self, obj: ProblemItem) -> str:
        return obj.problem_list.period

    @admin.display(description="对象")
    def subject_name(self, obj: ProblemItem) -> str:
        return obj.subject_name


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "item", "action_shown", "state_before", "state_after", "user", "note"]
    list_filter = ["state_after", "item__problem_list__period"]
    search_fields = ["item__problem_list__unit__name", "item__message", "note"]
    list_select_related = ["item", "user"]
    date_hierarchy = "at"
    fields = ["item", "at", "user", "action_shown", "state_before", "state_after", "note"]
    readonly_fields = fields

    @admin.display(description="操作", ordering="action")
    def action_shown(self, obj: ItemEvent) -> str:
        return action_zh(obj)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "item", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "item__problem_list__period"]
    search_fields = ["name", "sha256", "item__problem_list__unit__name", "item__message"]
    list_select_related = ["item__problem_list__unit", "uploaded_by"]
    date_hierarchy = "uploaded_at"

    @admin.display(description="责任单位", ordering="item__problem_list__unit__name")
    def unit(self, obj: Attachment) -> str:
        return obj.item.problem_list.unit.name
