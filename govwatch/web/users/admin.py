from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from govwatch.web.users.models import Membership


class MembershipInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Membership
    can_delete = False
    verbose_name = verbose_name_plural = "角色与所属单位"
    autocomplete_fields = ["unit"]


class MemberUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "role", "unit", "is_active"]

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
