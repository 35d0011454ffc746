"""Step 1 of the loop: the registry of units, sites, columns and accounts."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from govwatch.engine.registry import labels as L
from govwatch.engine.registry.schema import SITE_CODE

# The same rule as the registry file import (engine.registry.schema.site_code), for sites
# entered by hand: 10 digits, or "bm" and 8 digits (stored in lower case).
site_code_validator = RegexValidator(
    SITE_CODE,
    "网站标识码格式错误：应为10位数字，或bm加8位数字（如 6328010001、bm41020001）",
    code="site_code_format",
)


def normalize_name(name: str) -> str:
    """The comparison key of a unit name or alias.

    The seeds write the same name with full-width and ASCII brackets and with stray
    spaces from PDF line breaks; those differences never distinguish two units.
    """
    return (
        "".join(name.split())
        .replace("(", "（")
        .replace(")", "）")
        .replace("“", "")
        .replace("”", "")
        .replace('"', "")
    )


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=200, unique=True)
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField("层级", max_length=20, choices=L.choices(L.UNIT_LEVEL))
    kind = models.CharField("单位类型", max_length=30, choices=L.choices(L.UNIT_KIND))
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_key = normalize_name(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class UnitAlias(models.Model):
    """Another spelling of a unit's name, valid within a region.

    The scope is the unit's region (its nearest ancestor of kind government, or the
    unit itself when it is a government): "市公安局" means a different bureau in
    Golmud and in Kaifeng, so an alias is unique only within its scope.
    """

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField("别名", max_length=200)
    alias_key = models.CharField(max_length=200, editable=False, db_index=True)
    scope = models.ForeignKey(
        Unit, verbose_name="适用地区", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ["alias"]
        constraints = [
            models.UniqueConstraint(fields=["alias", "scope"], name="unit_alias_unique_in_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.alias_key = normalize_name(self.alias)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Site(models.Model):
    site_code = models.CharField(
        "网站标识码", max_length=10, unique=True, validators=[site_code_validator]
    )
    name = models.CharField("网站名称", max_length=200)
    home_url = models.URLField("首页网址", max_length=500)
    extra_hosts = models.JSONField("其他域名", default=list, blank=True)
    business_systems = models.JSONField("业务系统", default=list, blank=True)
    kind = models.CharField("网站类型", max_length=30, choices=L.choices(L.SITE_KIND))
    operating_unit = models.ForeignKey(
        Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="operated_sites"
    )
    supervising_unit = models.ForeignKey(
        Unit,
        verbose_name="主管单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_sites",
    )
    status = models.CharField("运行状态", max_length=30, choices=L.choices(L.SITE_STATUS))
    has_public_services = models.BooleanField("提供办事服务", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "网站"
        verbose_name_plural = "网站"
        ordering = ["site_code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.site_code}）"


class Column(models.Model):
    site = models.ForeignKey(
        Site, verbose_name="网站", on_delete=models.CASCADE, related_name="columns"
    )
    name = models.CharField("栏目名称", max_length=200)
    url = models.URLField("栏目地址", max_length=500, blank=True)
    kind = models.CharField("栏目类型", max_length=30, choices=L.choices(L.COLUMN_KIND))
    responsible_units = models.ManyToManyField(
        Unit, verbose_name="保障单位", blank=True, related_name="columns"
    )
    cadence_days = models.PositiveIntegerField("更新周期（天）", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["site__site_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="column_unique_name_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} / {self.name}"


class Account(models.Model):
    platform = models.CharField("平台", max_length=40, choices=L.choices(L.PLATFORM))
    name = models.CharField("账号名称", max_length=200)
    platform_id = models.CharField("账号ID", max_length=100, blank=True)
    opening_unit = models.ForeignKey(
        Unit, verbose_name="开设主体", on_delete=models.PROTECT, related_name="opened_accounts"
    )
    supervising_unit = models.ForeignKey(
        Unit,
        verbose_name="主管单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_accounts",
    )
    status = models.CharField("运行状态", max_length=30, choices=L.choices(L.ACCOUNT_STATUS))
    registered_national = models.BooleanField("已在全国系统报送", default=True)
    ingestion_source = models.CharField(
        "采集方式", max_length=20, choices=L.choices(L.INGESTION_SOURCE), default="none"
    )
    feed_url = models.URLField("订阅源地址", max_length=500, blank=True)
    has_interaction = models.BooleanField("有互动功能", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "政务新媒体账号"
        verbose_name_plural = "政务新媒体账号"
        ordering = ["platform", "name"]
        constraints = [
            # Without a platform id, platform + name is the account's identity.
            models.UniqueConstraint(
                fields=["platform", "platform_id"],
                condition=~models.Q(platform_id=""),
                name="account_unique_platform_id",
            ),
            models.UniqueConstraint(
                fields=["platform", "name"],
                condition=models.Q(platform_id=""),
                name="account_unique_name_without_id",
            ),
        ]
        indexes = [models.Index(fields=["platform", "name"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_platform_display()}）"
