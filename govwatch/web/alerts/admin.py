from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import admin

from govwatch.web.alerts.models import ROBOTS, AlertDelivery, AlertRule
from govwatch.web.config.admin import ReadOnlyAdmin


def masked(address: str, channel: str) -> str:
    """A robot's webhook carries its key (WeCom) or token (DingTalk): lists show the host."""
    if channel in ROBOTS:
        host = urlsplit(address).hostname or "?"
        return f"{host}/…（机器人地址）"
    return address


class AlertRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AlertRule
        fields = "__all__"
        # The signing secret is not shown back on the page once saved.
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = AlertRuleForm
    list_display = [
        "__str__",
        "event",
        "role",
        "unit",
        "channel",
        "shown_target",
        "digest",
        "quiet_start",
        "quiet_end",
        "active",
    ]
    list_editable = ["active"]
    list_filter = ["event", "channel", "role", "digest", "active"]
    search_fields = ["name", "unit__name", "target"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = [
        (None, {"fields": ["name", "event", "unit", "role", "active"]}),
        ("发送方式", {"fields": ["channel", "target", "secret", "digest"]}),
        ("免打扰时段（短信、群机器人）", {"fields": ["quiet_start", "quiet_end"]}),
    ]

    @admin.display(description="接收地址")
    def shown_target(self, obj: AlertRule) -> str:
        return masked(obj.target, obj.channel) if obj.target else "（符合角色的人员本人）"


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event",
        "channel",
        "shown_recipient",
        "subject",
        "state",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "event", "digest"]
    search_fields = ["recipient", "subject", "unit__name"]
    list_select_related = ["unit"]
    date_hierarchy = "created_at"
    readonly_fields = ["shown_recipient"]

    @admin.display(description="接收地址")
    def shown_recipient(self, obj: AlertDelivery) -> str:
        return masked(obj.recipient, obj.channel)

    def get_fields(self, request: Any, obj: Any = None) -> list[str]:
        names = [f.name for f in AlertDelivery._meta.fields if f.name not in ("id", "recipient")]
        return ["shown_recipient", *names]
