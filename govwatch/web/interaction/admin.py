"""Entry of test consultations and citizen messages in the Chinese admin."""

from __future__ import annotations

from django.contrib import admin

from govwatch.web.interaction.models import CitizenMessage, ConsultationTest


@admin.register(ConsultationTest)
class ConsultationTestAdmin(admin.ModelAdmin):
    list_display = [
        "test_id",
        "site",
        "account",
        "channel",
        "sent_at",
        "send_succeeded",
        "answered_at",
        "reply_quality",
    ]
    list_filter = ["send_succeeded", "reply_quality", "channel", "sent_at"]
    search_fields = [
        "test_id",
        "site__name",
        "site__site_code",
        "account__name",
        "question",
        "answer_text",
    ]
    autocomplete_fields = ["site", "account"]
    list_select_related = ["site", "account"]
    date_hierarchy = "sent_at"
    fieldsets = [
        (None, {"fields": ["test_id", "site", "account", "channel", "question"]}),
        ("发送", {"fields": ["sent_at", "send_succeeded", "send_failure_reason"]}),
        ("答复", {"fields": ["answered_at", "answer_text", "reply_quality"]}),
    ]


@admin.register(CitizenMessage)
class CitizenMessageAdmin(admin.ModelAdmin):
    list_display = ["message_id", "box", "unit", "received_at", "answered_at", "status"]
    list_filter = ["box", "status", "received_at"]
    search_fields = ["message_id", "unit__name", "unit__aliases__alias"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    date_hierarchy = "received_at"
