"""Admin pieces every app's admin shares, and who may use the admin at all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

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
