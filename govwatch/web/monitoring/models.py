"""The watch: what runs when (Schedule), who holds a site (Lease) and the early warnings
computed each day (EarlyWarning). The probes and their daily rollup live with the scans."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from govwatch.web.registry.models import Account, Site

JOB_KINDS = [
    ("probe", "可用性探测"),
    ("freshness", "首页与栏目更新巡检"),
    ("crawl", "全站扫描（链接、内容）"),
    ("feeds", "新媒体订阅源采集"),
    ("warnings", "预警计算"),
    ("rollup", "数据日汇总与清理"),
    ("inspection_draft", "季度检查初稿"),
    ("alerts", "提醒发送"),
    ("deadlines", "整改期限检查、自动复查补跑与每日提醒汇总"),
    ("dashboard", "总览统计刷新"),
]
JOB_KINDS_ZH = dict(JOB_KINDS)
SITE_KINDS = frozenset({"probe", "freshness", "crawl"})
ACCOUNT_KINDS = frozenset({"feeds"})
RUN_STATES = [
    ("", "未运行"),
    ("running", "运行中"),
    ("sent", "已派发"),
    ("ok", "完成"),
    ("failed", "失败"),
]


class Schedule(models.Model):
    """One recurring job. Rows without a site or account are the defaults for every
    target; a row with a site (or an account) replaces the default for that target."""

    kind = models.CharField("任务", max_length=20, choices=JOB_KINDS)
    site = models.ForeignKey(
        Site, verbose_name="网站（留空为全部）", null=True, blank=True, on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        Account,
        verbose_name="账号（留空为全部）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    enabled = models.BooleanField("启用", default=True)
    interval_minutes = models.PositiveIntegerField(
        "间隔（分钟）", help_text="季度检查初稿不看间隔：每季度结束后的第一个工作日运行"
    )
    jitter_seconds = models.PositiveIntegerField(
        "随机抖动（秒）", default=0, help_text="每次在间隔上加减不超过此秒数，避免整点集中访问"
    )
    next_run_at = models.DateTimeField("下次运行")
    last_started_at = models.DateTimeField("上次开始", null=True, blank=True)
    last_finished_at = models.DateTimeField("上次结束", null=True, blank=True)
    last_state = models.CharField("上次结果", max_length=10, choices=RUN_STATES, blank=True)
    last_message = models.CharField("上次说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "监测计划"
        verbose_name_plural = "监测计划"
        ordering = ["kind", "site", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(site__isnull=True, account__isnull=True),
                name="schedule_one_default_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "site"],
                condition=models.Q(site__isnull=False),
                name="schedule_one_per_site",
            ),
            models.UniqueConstraint(
                fields=["kind", "account"],
                condition=models.Q(account__isnull=False),
                name="schedule_one_per_account",
            ),
        ]

    def __str__(self) -> str:
        target = self.site or self.account or "全部"
        return f"{JOB_KINDS_ZH.get(self.kind, self.kind)}（{target}）"

    def clean(self) -> None:
        """Which targets a kind can have: probes and scans a site, feeds an account, the
        daily and quarterly jobs nothing (they cover everything)."""
        errors: dict[str, str] = {}
        if self.site_id and self.account_id:
            errors["account"] = "一条计划只能针对一个网站或一个账号"
        if self.site_id and self.kind not in SITE_KINDS:
            errors["site"] = f"“{JOB_KINDS_ZH[self.kind]}”不能针对单个网站"
        if self.account_id and self.kind not in ACCOUNT_KINDS:
            errors["account"] = f"“{JOB_KINDS_ZH[self.kind]}”不能针对单个账号"
        if self.interval_minutes is not None and self.interval_minutes < 1:
            errors["interval_minutes"] = "间隔至少1分钟"
        if errors:
            raise ValidationError(errors)


class Lease(models.Model):
    """A lock with an expiry: the holder renews it while it works, so a crashed holder's
    lock runs out and the next one takes over (a same-host holder whose process is gone
    is taken over at once)."""

    key = models.CharField("对象", max_length=200, unique=True)
    holder = models.CharField("持有者", max_length=200)
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "任务锁"
        verbose_name_plural = "任务锁"

    def __str__(self) -> str:
        return self.key


WARNING_KINDS = [
    ("availability", "首页可用性"),
    ("home_update", "首页更新"),
    ("column_update", "栏目更新"),
    ("account_update", "新媒体更新"),
    ("message_reply", "留言办理"),
]


class EarlyWarning(models.Model):
    """A line about to be crossed, computed each day from what is stored: the input of
    the alerts sent to units."""

    day = models.DateField("计算日期")
    kind = models.CharField("类别", max_length=20, choices=WARNING_KINDS)
    code = models.CharField("指标代码", max_length=10)
    site = models.ForeignKey(
        Site, verbose_name="网站", null=True, blank=True, on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        Account, verbose_name="账号", null=True, blank=True, on_delete=models.CASCADE
    )
    target_id = models.CharField("对象", max_length=2000)
    message = models.TextField("预警内容")
    days_left = models.IntegerField("剩余天数", null=True, blank=True)
    evidence = models.JSONField("依据", default=dict)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-day", "days_left", "code"]
        indexes = [models.Index(fields=["day", "kind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.message[:40]}"
