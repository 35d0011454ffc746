"""Posts, fetch attempts, sightings, push tokens and reprint tasks in the Chinese admin.

Posts, fetch attempts and sightings are evidence (account inspections judge on them):
posts and fetch attempts are read-only; a sighting may be added by hand (来源「人工录入」)
but no sighting is ever edited or deleted, so the naming history stays what was seen."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from govwatch.engine.newmedia.health import FETCH_ERROR_ZH
from govwatch.web.config.admin import URL_FIELDS, ReadOnlyAdmin, json_display
from govwatch.web.newmedia.models import AccountSighting, FetchAttempt, Post, PushToken, ReprintTask
from govwatch.web.newmedia.reprints import reprint_results
from govwatch.web.newmedia.selectors import source_health
from govwatch.web.newmedia.services import push_token_issue
from govwatch.web.registry.models import Account

# Tokens issued by one click: each is shown once in a message, so a page of them is the most
# an operator can copy, and a mis-click cannot revoke every account's token at once.
PUSH_TOKENS_AT_ONCE = 20


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    """Collected by feed, export file or push only (there is no hand-entered post)."""

    list_display = ["published_at", "account", "title", "is_original", "source_kind"]
    list_filter = ["source_kind", "is_original", "account__platform", "published_at"]
    search_fields = ["title", "text", "url", "post_id", "account__name"]
    date_hierarchy = "published_at"
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    fields = ["account", "published_at", "title", "text", "url", "post_id", "is_original"]
    fields += ["source_kind", "text_hits_shown", "created_at"]
    readonly_fields = fields
    text_hits_shown = json_display("text_hits", "内容问题（表述、敏感词、隐私）")


@admin.register(AccountSighting)
class AccountSightingAdmin(admin.ModelAdmin):
    """Naming history; an operator adds a row (来源「人工录入」) after looking at the platform.
    Appended only: a row, once recorded, is neither edited nor deleted."""

    list_display = ["at", "account", "name", "owner", "source_kind"]
    list_filter = ["source_kind", "account__platform", "at"]
    search_fields = ["account__name", "name", "owner"]
    date_hierarchy = "at"
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    # A row added here is always 人工录入: the form cannot pass one off as a fetch or a push.
    readonly_fields = ["source_kind"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.source_kind = "manual"
        super().save_model(request, obj, form, change)


@admin.register(FetchAttempt)
class FetchAttemptAdmin(ReadOnlyAdmin):
    list_display = ["at", "account", "ok", "error_shown", "http_status", "posts_new", "health"]
    list_filter = ["ok", "at"]
    search_fields = ["account__name", "account__feed_url", "detail"]
    date_hierarchy = "at"
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    fields = ["account", "at", "ok", "error_shown", "http_status", "detail", "posts_seen"]
    fields += ["posts_new"]
    readonly_fields = fields

    @admin.display(description="错误", ordering="error")
    def error_shown(self, obj: FetchAttempt) -> str:
        return FETCH_ERROR_ZH.get(obj.error, obj.error) if obj.error else "—"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # One health summary per account on the page, not per row; fresh for every request.
        self._health: dict[int, str] = {}
        return super().changelist_view(request, extra_context)

    @admin.display(description="采集状况（自何时起失败）")
    def health(self, obj: FetchAttempt) -> str:
        cache: dict[int, str] = getattr(self, "_health", {})
        if obj.account_id not in cache:
            summary = source_health([obj.account_id])[obj.account_id]
            cache[obj.account_id] = summary.describe_zh()
        return cache[obj.account_id]


@admin.action(description="生成推送令牌")
def issue_push_tokens(
    modeladmin: admin.ModelAdmin[Account], request: HttpRequest, queryset: QuerySet[Account]
) -> None:
    """A new push token for each chosen account, shown once (only its digest is kept);
    an older token of the account stops working."""
    if not request.user.has_perm("newmedia.change_pushtoken"):
        modeladmin.message_user(request, "您没有管理推送令牌的权限", messages.ERROR)
        return
    chosen = list(queryset.order_by("pk")[: PUSH_TOKENS_AT_ONCE + 1])
    if len(chosen) > PUSH_TOKENS_AT_ONCE:
        modeladmin.message_user(
            request,
            f"一次最多为 {PUSH_TOKENS_AT_ONCE} 个账号生成推送令牌，未生成任何令牌",
            messages.ERROR,
        )
        return
    for account in chosen:
        replaced = PushToken.objects.filter(account=account).exists()
        token = push_token_issue(account)
        modeladmin.message_user(
            request,
            f"账号“{account.name}”（{account.get_platform_display()}，登记编号 {account.pk}）"
            f"的推送令牌：{token}（只显示这一次，请立即复制保存"
            + ("；原有令牌已失效" if replaced else "")
            + f"；推送地址 /api/posts/push/{account.pk}/）",
            messages.WARNING,
        )


# The account admin belongs to the registry app, registered before this module is
# imported (INSTALLED_APPS order); the action joins it from here, next to push tokens.
_account_admin = admin.site.get_model_admin(Account)
_account_admin.actions = [*(_account_admin.actions or []), issue_push_tokens]


@admin.register(PushToken)
class PushTokenAdmin(admin.ModelAdmin):
    list_display = ["account", "created_at", "last_used_at"]
    search_fields = ["account__name"]
    list_select_related = ["account"]
    raw_id_fields = ["account"]
    readonly_fields = ["token_digest", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown only once, when issued by push_token_issue; the admin cannot show it.
        return False


@admin.register(ReprintTask)
class ReprintTaskAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "published_on", "deadline", "created_by", "target_count"]
    list_filter = ["published_on", "deadline"]
    search_fields = ["title", "source_url"]
    list_select_related = ["created_by"]
    # Search boxes, not lists of every site and account (20,000 sites at a province).
    autocomplete_fields = ["sites", "accounts"]
    readonly_fields = ["created_by", "created_at", "results"]
    fields = [
        "title",
        "source_url",
        "published_on",
        "deadline",
        "sites",
        "accounts",
        "created_by",
        "created_at",
        "results",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReprintTask]:
        # Counted in the list's one query, not two more queries a row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                site_count=Count("sites", distinct=True),
                account_count=Count("accounts", distinct=True),
            )
        )

    @admin.display(description="转载单位数")
    def target_count(self, obj: ReprintTask) -> int:
        return obj.site_count + obj.account_count  # type: ignore[attr-defined]

    @admin.display(description="转载情况")
    def results(self, obj: ReprintTask) -> str:
        if obj.pk is None:
            return "保存后显示"
        lines = []
        for row in reprint_results(obj):
            late = f"，逾期 {row.days_late} 天" if row.days_late else ""
            found = f"（{row.found_on} {row.found_url}）" if row.found_on else ""
            lines.append(f"{row.unit} / {row.name}：{row.status_zh}{late}{found}")
        return "\n".join(lines) or "未指定转载对象"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
