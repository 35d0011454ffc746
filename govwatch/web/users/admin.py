"""Users with their role and unit (one Membership each, edited on the user's page).

Only administrators reach the admin (govwatch.web.config.admin), so only they create users
and give roles. A role other than 系统管理员 needs a unit: Membership.clean refuses it
otherwise, and the inline form shows that message on the user's page, which is then not
saved (the user neither).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from govwatch.web.users.models import Membership


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


admin.site.unregister(User)
admin.site.register(User, MemberUserAdmin)
