"""Who a login is: its role and the unit it belongs to (the scope of what it sees).

One membership per user. A supervisor's unit is the region it supervises (a government,
a city or the province) and it sees that unit and every unit below it; a unit operator
sees its own unit only; a reader (a leader) sees like a supervisor and changes nothing; an
administrator sees everything. A superuser is an administrator without a membership.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from govwatch.web.registry.models import Unit

ROLE_ZH = {
    "supervisor": "监管人员（省、市、县政务公开办）",
    "unit_operator": "单位填报人员",
    "reader": "领导（只读）",
    "admin": "系统管理员",
}
ROLES = list(ROLE_ZH.items())


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="membership",
    )
    role = models.CharField("角色", max_length=20, choices=ROLES)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位（监管人员、领导为所辖地区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField("手机号码（短信提醒）", max_length=30, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["role", "unit__name"]

    def __str__(self) -> str:
        where = f"，{self.unit.name}" if self.unit_id else ""
        return f"{self.user}：{self.get_role_display()}{where}"

    def clean(self) -> None:
        if self.role != "admin" and not self.unit_id:
            raise ValidationError("除系统管理员外，每个用户都必须指定所属单位")
