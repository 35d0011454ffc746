"""Admin pieces every app's admin shares, and who may use the admin at all."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from govwatch.engine.checks import registry
from govwatch.engine.evidence_labels import (
    EVIDENCE_VALUES_ZH,
    EVIDENCE_ZH,
    SCAN_STATS_ZH,
)
from govwatch.engine.labels import (
    LINK_OUTCOME_ZH,
    PROBE_OUTCOME_ZH,
    SEVERITY_ZH,
)
from govwatch.web.inspections.models import profile_title
from govwatch.web.users.selectors import scope_of

# Many gov sites still answer on plain http, so a typed address without scheme means http.
URL_FIELDS = {models.URLField: {"assume_scheme": "http"}}

NOT_ADMIN_ZH = "该账号不是系统管理员，不能使用管理后台；监管人员、单位填报人员和领导请从工作台登录"


# --- Who may use the admin --------------------------------------------------------------
#
# The admin is for system administrators only: superusers and users whose membership role is
# admin (scope_of(user).role == "admin"). The admin's querysets are not scoped by region (its
# lists, search, filters and autocomplete show every unit), so a supervisor, unit operator or
# reader who happens to be is_staff must not get in: they would see other units' data there.
# They work in the scoped workspace pages instead.
#
# AdminSite.has_permission is the one gate Django's admin asks on every admin view (index,
# lists, forms, autocomplete, password change); when it says no, the admin redirects to its
# login page, which tells a logged-in user in Chinese that the account may not open the page.
# It is assigned on the default site here rather than by swapping in an AdminSite subclass
# (which would mean replacing "django.contrib.admin" in INSTALLED_APPS by a custom AdminConfig):
# every app's admin module imports this module, so the gate is in place when the admin's
# autodiscovery has run, before any request. The login form refuses such an account too, with
# the reason, instead of logging it in to a page it may not see.


def admin_site_permission(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and scope_of(user).role == "admin")


class AdminOnlyAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if scope_of(user).role != "admin":
            raise ValidationError(NOT_ADMIN_ZH, code="not_admin")


admin.site.has_permission = admin_site_permission  # type: ignore[method-assign]
admin.site.login_form = AdminOnlyAuthenticationForm


# --- Read-only evidence -----------------------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Evidence and computed rows: shown, never added, edited or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInlineMixin:
    """An inline of evidence rows: listed on the parent's page, never added, edited or
    deleted there (whatever the parent admin allows)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> Any:
        fields = getattr(self, "fields", None)
        return list(fields) if fields else [f.name for f in self.model._meta.fields]  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyTabularInline(ReadOnlyInlineMixin, admin.TabularInline):  # type: ignore[type-arg]
    pass


class ReadOnlyStackedInline(ReadOnlyInlineMixin, admin.StackedInline):  # type: ignore[type-arg]
    pass


# --- Chinese where Django and the dependencies speak English -----------------------------
#
# What Django's zh_Hans catalog and the templates cannot reach: the alt text of the yes/no
# icons (the boolean itself), the names of permissions (stored in English by migrate), the
# auto-created many-to-many rows a delete confirmation lists ("X_sites object (1)") and
# django-axes' row titles. tests/web/test_admin_labels.py reads every admin page for English.

BOOLEAN_ZH = {True: "是", False: "否", None: "未知"}
PERMISSION_ACTION_ZH = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def _boolean_icon(value: bool | None) -> str:
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), BOOLEAN_ZH[value]
    )


admin_list._boolean_icon = _boolean_icon


def permission_zh(permission: Permission) -> str:
    """「登记 | 网站 | 可查看 网站」 for Django's 「registry | site | Can view site」."""
    model = permission.content_type.model_class()
    model_name = str(model._meta.verbose_name) if model else permission.content_type.model
    try:
        app = apps.get_app_config(permission.content_type.app_label).verbose_name
    except LookupError:  # the permission of an app since removed
        app = permission.content_type.app_label
    action, _, _ = permission.codename.partition("_")
    if action in PERMISSION_ACTION_ZH:
        return f"{app} | {model_name} | 可{PERMISSION_ACTION_ZH[action]}{model_name}"
    return f"{app} | {model_name} | {permission.name}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return permission_zh(obj)


def permission_field(db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
    """The permissions box of the user and group forms, with the names in Chinese."""
    kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
    kwargs.setdefault("required", False)
    kwargs.setdefault("label", db_field.verbose_name)
    kwargs.setdefault("help_text", db_field.help_text)
    kwargs["widget"] = FilteredSelectMultiple(db_field.verbose_name, is_stacked=False)
    return PermissionChoiceField(**kwargs)


def _relation_str(self: models.Model) -> str:
    parts = [getattr(self, f.name) for f in self._meta.fields if f.is_relation]
    return " → ".join(str(part) for part in parts)


def name_relations() -> None:
    """The rows of auto-created many-to-many tables, named in Chinese (they show on delete
    confirmations): 「重要信息转载任务 与 须转载的网站 的关联」, 「任务 → 网站」."""
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            through._meta.verbose_name = f"{model._meta.verbose_name}与{field.verbose_name}的关联"
            through._meta.verbose_name_plural = through._meta.verbose_name
            through.__str__ = _relation_str  # type: ignore[method-assign]


Permission.__str__ = permission_zh  # type: ignore[method-assign]


def _axes_str() -> None:
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    def when(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else "—"

    AccessAttempt.__str__ = lambda self: (  # type: ignore[method-assign]
        f"{self.username or '（未填用户名）'} 登录失败 {self.failures_since_start} 次"
        f"（{self.ip_address or '地址未知'}，最近 {when(self.attempt_time)}）"
    )
    AccessFailureLog.__str__ = lambda self: (  # type: ignore[method-assign]
        f"{self.username or '（未填用户名）'} 登录失败（{self.ip_address or '地址未知'}，{when(self.attempt_time)}）"
    )
    AccessLog.__str__ = lambda self: (  # type: ignore[method-assign]
        f"{self.username} 登录（{self.ip_address or '地址未知'}，{when(self.attempt_time)}）"
    )
    AccessAttemptAdmin.status.short_description = "状态"  # type: ignore[attr-defined]


name_relations()
_axes_str()


# --- Readable values ---------------------------------------------------------------------

# Evidence keys and coded values, and a scan's statistics: the engine's one table
# (engine/evidence_labels.py), the workspace's too.

# Keys of the scans' statistics and site facts, and of stored hits and rows, as a reader
# knows them.
JSON_KEYS_ZH = {
    # engine.crawl.models.ScanStats: the engine's words, as the workspace shows them
    **SCAN_STATS_ZH,
    "elapsed": "耗时",
    "state_reset": "重新扫描原因",
    # engine.site.facts.SiteFacts
    "site_id_code": "页脚网站标识码",
    "icp_record": "ICP备案编号",
    "police_record": "公安机关备案号",
    "party_gov_mark": "党政机关网站标识",
    "operating_unit": "主办单位",
    "contact": "联系方式",
    "site_meta": "页面元数据",
    "missing_site_meta": "缺少的元数据",
    "gov_domain": "使用政府网站域名",
    "https": "使用 HTTPS",
    "business_systems": "业务系统",
    "non_gov_business_systems": "非政府域名的业务系统",
    "interaction_channel": "咨询建言渠道",
    "site_search": "站内搜索",
    "accessibility_entry": "适老化与无障碍入口",
    "columns_missing_meta": "缺少栏目元数据的栏目页",
    # engine.text.findings.TextHit and fetch failures
    "code": "指标代码",
    "category": "类别",
    "severity": "性质",
    "offset": "位置",
    "length": "长度",
    "context": "上下文",
    "rule_id": "规则编号",
    "source": "来源",
    "message": "说明",
    "fingerprint": "指纹",
    "reason": "原因",
    "error": "错误",
    "attempts": "尝试次数",
    # web-started operations (web/operations): their parameters and results
    "ok": "成功",
    "errors": "错误",
    "error_total": "错误数",
    "dry_run": "预检（不写入）",
    "counts": "数量",
    "changes": "变更",
    "changes_total": "变更数",
    "changed": "有变更",
    "summary": "摘要",
    "site_code": "网站标识码",
    "name": "名称",
    "pages": "页面数",
    "problems": "问题",
    "sites": "网站",
    "site_total": "网站数",
    "site_ids": "所选网站",
    "all": "全部",
    "inspection": "检查",
    "period": "检查期",
    "total": "总数",
    "unqualified": "不合格",
    "pass_rate": "网站合格率",
    "account_pass_rate": "新媒体合格率",
    "files": "文件",
    "label": "名称",
    "pdf": "生成 PDF",
    "pdf_message": "PDF 说明",
    "fields": "填写项",
    "scope": "范围",
    "profile": "指标方案",
    "region": "地区",
    "sample_size": "抽查数量",
    "sample_seed": "抽样种子",
    "seed": "抽样种子",
    "file": "文件",
    "stored": "保存位置",
    "sha256": "SHA-256",
    "applied_operation": "正式导入操作",
    "user": "操作人",
    # inspection result items
    "points": "分值",
    "deducted": "扣分",
    "title": "指标",
    "score": "得分",
}
JSON_VALUES_ZH: dict[str, dict[str, str]] = {
    "severity": {**SEVERITY_ZH, "serious": "严重错误", "normal": "一般错误", "suspect": "疑似错误"},
    "outcome": {**LINK_OUTCOME_ZH, **PROBE_OUTCOME_ZH},
}
MAX_JSON_ITEMS = 50
MAX_JSON_TEXT = 300


def _key_zh(key: str) -> str:
    return JSON_KEYS_ZH.get(key) or EVIDENCE_ZH.get(key) or PROBE_OUTCOME_ZH.get(key) or key


def _value_html(key: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return BOOLEAN_ZH[value] if value is not None else "—"
    if isinstance(value, str):
        if value.lower().startswith(("http://", "https://")):
            # Only web addresses become links, never javascript: or data: from evidence.
            return format_html(
                '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
                value,
                value[:MAX_JSON_TEXT],
            )
        words = JSON_VALUES_ZH.get(key) or EVIDENCE_VALUES_ZH.get(key) or {}
        text = words.get(value, value)
        return text[:MAX_JSON_TEXT] + ("…" if len(text) > MAX_JSON_TEXT else "")
    if key == "elapsed" and isinstance(value, int | float):
        return duration_zh(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict | list | tuple):
        return readable_json(value, key)
    return str(value)


def readable_json(value: Any, key: str = "") -> Any:
    """A stored JSON value as the page shows it: key: value lines with Chinese labels,
    lists item by item (cut short), web addresses as links; everything escaped."""
    if isinstance(value, dict):
        if not value:
            return "—"
        rows = [
            format_html("<li><strong>{}</strong>：{}</li>", _key_zh(str(k)), _value_html(str(k), v))
            for k, v in list(value.items())[:MAX_JSON_ITEMS]
        ]
        more = len(value) - MAX_JSON_ITEMS
        if more > 0:
            rows.append(format_html("<li>另有 {} 项未显示</li>", more))
        return format_html(
            '<ul class="gw-json">{}</ul>', format_html_join("", "{}", ((r,) for r in rows))
        )
    if isinstance(value, list | tuple):
        if not value:
            return "—"
        rows = [format_html("<li>{}</li>", _value_html(key, v)) for v in value[:MAX_JSON_ITEMS]]
        more = len(value) - MAX_JSON_ITEMS
        if more > 0:
            rows.append(format_html("<li>等共 {} 项</li>", len(value)))
        return format_html(
            '<ol class="gw-json">{}</ol>', format_html_join("", "{}", ((r,) for r in rows))
        )
    return _value_html(key, value)


def duration_zh(seconds: float | None) -> str:
    """0.00046619699969596695 秒 → 「0.5 毫秒」; from one second on, seconds."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.1f} 毫秒"
    return f"{seconds:.1f} 秒"


def json_display(field: str, description: str) -> Any:
    """A read-only admin field showing FIELD readably (add its name to readonly_fields)."""

    @admin.display(description=description)
    def shown(self: Any, obj: Any) -> Any:
        return readable_json(getattr(obj, field))

    shown.__name__ = f"{field}_shown"
    return shown


class ParentLookups:
    """Lets a list be filtered by its parent's id (the links changelist_link makes) without
    a sidebar filter listing every parent (every scan, at thousands a day)."""

    parent_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup in self.parent_lookups:
            return True
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]


def changelist_link(model: type[models.Model], label: str, **filters: Any) -> str:
    """A link to MODEL's list filtered by FILTERS, with its row count: what a parent page
    shows instead of an inline of thousands of rows."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    count = model._default_manager.filter(**filters).count()
    return format_html('<a href="{}?{}">{}（{} 条）</a>', url, urlencode(filters), label, count)


def profile_zh(profile: str) -> str:
    return profile_title(profile)


def indicator_zh(code: str) -> str:
    try:
        return f"{code} {registry.get(code).title_zh}"
    except KeyError:
        return code


# The fields of a stored finding's page (scans and inspections): the indicator by its title,
# the evidence readable.
FINDING_FIELDS = [
    "code",
    "indicator",
    "severity",
    "target_kind",
    "target_id",
    "message",
    "points",
    "evidence_shown",
    "fingerprint",
]
