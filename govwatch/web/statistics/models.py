"""Statistics that come from other systems (OA, app backend, portal) and office-kept tables.

One import is one StatisticsBatch (a kind of table for a period); its rows keep the values as
the engine's schema validated them, so every table is rebuilt by the engine's own builders.
Quotas and verdict overrides of 政务信息报送 are data an office edits, never constants.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from govwatch.web.registry.models import Unit


class StatisticsKind:
    """The kinds of statistics table, as plain strings (they are stored and typed on the CLI)."""

    OFFICE_DOCUMENTS = "office_documents"
    APP_COLUMNS = "app_columns"
    WEBSITE_COLUMNS = "website_columns"
    PORTAL_SUBMISSIONS = "portal_submissions"
    LETTERS = "letters"
    SUBMISSIONS = "submissions"
    COMMISSIONED_ARTICLES = "commissioned_articles"
    DISCLOSURE_S2 = "disclosure_s2"
    DISCLOSURE_S3 = "disclosure_s3"
    DISCLOSURE_S4 = "disclosure_s4"


KIND_LABELS: dict[str, str] = {
    StatisticsKind.OFFICE_DOCUMENTS: "协同办公系统收发文统计",
    StatisticsKind.APP_COLUMNS: "移动客户端栏目信息发布统计",
    StatisticsKind.WEBSITE_COLUMNS: "政府网站栏目内容保障统计",
    StatisticsKind.PORTAL_SUBMISSIONS: "政府门户网站信息报送",
    StatisticsKind.LETTERS: "留言信件回复统计",
    StatisticsKind.SUBMISSIONS: "政务信息报送采用情况",
    StatisticsKind.COMMISSIONED_ARTICLES: "约稿",
    StatisticsKind.DISCLOSURE_S2: "政府信息公开年报 二、主动公开政府信息情况",
    StatisticsKind.DISCLOSURE_S3: "政府信息公开年报 三、收到和处理政府信息公开申请情况",
    StatisticsKind.DISCLOSURE_S4: "政府信息公开年报 四、行政复议、行政诉讼情况",
}
KIND_CHOICES = list(KIND_LABELS.items())


class StatisticsBatch(models.Model):
    """One imported table; a new import of the same kind and period replaces it."""

    kind = models.CharField("统计类型", max_length=40, choices=KIND_CHOICES)
    period = models.CharField("统计期", max_length=50, help_text="如 2024Q2、2024-05~2024-06、2024")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    scope = models.ForeignKey(
        Unit,
        verbose_name="地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="解析单位简称所在的地区",
    )
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "统计数据批次"
        verbose_name_plural = "统计数据批次"
        ordering = ["-period_end", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period"], name="statistics_batch_kind_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.period}）"


class StatisticsRow(models.Model):
    batch = models.ForeignKey(
        StatisticsBatch, verbose_name="批次", on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField("行号", help_text="导入文件中的行号（表头为第1行）")
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics_rows",
    )
    values = models.JSONField("数据", default=dict)

    class Meta:
        verbose_name = "统计数据行"
        verbose_name_plural = "统计数据行"
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="statistics_row_number"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} 第{self.row_number}行"


class QuotaClass(models.Model):
    """A class of units with monthly submission minimums (seed 002: A ≥5+1, B ≥4, C ≥2)."""

    name = models.CharField("类别", max_length=20, unique=True, help_text="如 A、B、C")
    description = models.CharField("说明", max_length=200, blank=True)
    min_submissions_per_month = models.PositiveIntegerField(
        "每月最少报送（条）", null=True, blank=True, help_text="留空表示无报送数量要求"
    )
    min_adoptions_per_month = models.PositiveIntegerField(
        "每月最少采用（条）", null=True, blank=True, help_text="留空表示无采用数量要求"
    )
    news_briefs_count = models.BooleanField(
        "动态计入采用", default=True, help_text="种子002的结论表明动态采用也计入采用数量"
    )

    class Meta:
        verbose_name = "报送任务类别"
        verbose_name_plural = "报送任务类别"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}类"


class QuotaAssignment(models.Model):
    """Which class a unit belongs to; a unit without one has no quota (未设定报送任务)."""

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="quota_assignment"
    )
    quota_class = models.ForeignKey(
        QuotaClass, verbose_name="报送任务类别", on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = "单位报送任务类别"
        verbose_name_plural = "单位报送任务类别"
        ordering = ["quota_class", "unit__name"]

    def __str__(self) -> str:
        return f"{self.unit} → {self.quota_class}"


class VerdictOverride(models.Model):
    """The office's own 是否合格 for a unit and period, always with a reason (kept visible)."""

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="verdict_overrides"
    )
    period = models.CharField("统计期", max_length=50)
    qualified = models.BooleanField("审定为合格")
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审定时间", auto_now=True)

    class Meta:
        verbose_name = "报送结论审定"
        verbose_name_plural = "报送结论审定"
        ordering = ["-period", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="verdict_override_unit_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}（{self.period}）：{'合格' if self.qualified else '不合格'}"

    def clean(self) -> None:
        # An override without a reason would change a published verdict silently.
        if not self.reason.strip():
            raise ValidationError({"reason": "审定结论必须写明理由"})
