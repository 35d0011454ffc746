"""Problem lists in the admin: read-only, admins included.

Lists, items, their history and evidence files change only through the workspace pages
(the services in govwatch.web.tickets.services check each transition and record it as an
ItemEvent); here an administrator looks things up. Files are named, never served: the
scoped download view is the only way to a file's bytes.
"""

from __future__ import annotations

from django.contrib import admin

from govwatch.web.config.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from govwatch.web.tickets.models import Attachment, ItemEvent, ProblemItem, ProblemList


class ItemInline(ReadOnlyTabularInline):
    model = ProblemItem
    fields = ["code", "title", "severity", "message", "state", "recheck", "recurrence"]
    show_change_link = True


@admin.register(ProblemList)
class ProblemListAdmin(ReadOnlyAdmin):
    list_display = ["unit", "period", "sent_at", "deadline", "received_at", "sent_by"]
    list_filter = ["period", ("unit", admin.RelatedOnlyFieldListFilter), "deadline"]
    search_fields = ["unit__name", "period", "note", "items__message"]
    list_select_related = ["unit", "sent_by"]
    date_hierarchy = "sent_at"
    inlines = [ItemInline]


class EventInline(ReadOnlyTabularInline):
    model = ItemEvent
    fields = ["at", "user", "action", "state_before", "state_after", "note"]


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
    inlines = [EventInline, AttachmentInline]

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
    list_display = ["at", "item", "action", "state_before", "state_after", "user", "note"]
    list_filter = ["action", "state_after", "item__problem_list__period"]
    search_fields = ["item__problem_list__unit__name", "item__message", "note"]
    list_select_related = ["item", "user"]
    date_hierarchy = "at"


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
