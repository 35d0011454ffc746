"""Users with their role and unit (one Membership each, edited on the user's page).

Only administrators reach the admin (govwatch.web.config.admin), so only they create users
and give roles. A role other than 系统管理员 needs a unit: Membership.clean refuses it
otherwise, and the inline form shows that message on the user's page, which is then not
saved (the user neither).
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group, User
from django.http import HttpRequest

from govwatch.web.config.admin import permission_field
from govwatch.web.users.models import Membership


class ChinesePasswordChangeForm(AdminPasswordChangeForm):
    # Django writes the unusable-password warning in English outside its catalog.
    usable_password_help_text = (
        "是否允许该用户使用密码登录。选择“禁用”后，该用户只能通过其他认证方式登录。"
        '<ul id="id_unusable_warning" class="messagelist"><li class="warning">'
        "禁用后，该用户当前的密码将失效。</li></ul>"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = self.usable_password_help_text


class MembershipInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Membership
    can_delete = False
    extra = 1
    max_num = 1
    verbose_name = verbose_name_plural = "角色与所属单位"
    fields = ["role", "unit", "phone"]
    # The unit's search box asks the unit admin (UnitAdmin.search_fields: name and aliases).
    autocomplete_fields = ["unit"]


class MemberUserAdmin(UserAdmin):
    change_password_form = ChinesePasswordChangeForm
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "role", "unit", "is_active"]
    list_filter = ["membership__role", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "membership__unit__name"]
    list_select_related = ["membership__unit"]

    @admin.display(description="角色")
    def role(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        return (
            membership.get_role_display()
            if membership
            else ("系统管理员" if user.is_superuser else "—")
        )

    @admin.display(description="所属单位")
    def unit(self, user: User) -> str:
        membership = getattr(user, "membership", None)
        return membership.unit.name if membership and membership.unit_id else "—"

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user_permissions":
            return permission_field(db_field, request, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ChineseGroupAdmin(GroupAdmin):
    """Django's group admin, with the permissions named in Chinese."""

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "permissions":
            return permission_field(db_field, request, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, MemberUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, ChineseGroupAdmin)
