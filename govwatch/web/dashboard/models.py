"""Figures per unit, computed in one pass and read by the overview pages.

The overview rolls these rows up the region tree on every request; computing them from
probes, scans and posts on a request would read millions of rows at 20,000 sites, so a
refresh (the watch every 10 minutes, the end of an inspection, the overview's 刷新 button)
writes them instead, and the page says when they were computed. The live parts (open
problem list items, the failing list) are read at request time.
"""

from __future__ import annotations

from django.db import models

from govwatch.web.inspections.models import Inspection
from govwatch.web.registry.models import Unit


class UnitActivity(models.Model):
    """What one unit's own sites and accounts did lately (not its subtree: the page sums)."""

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="activity"
    )
    computed_at = models.DateTimeField("统计时间")
    # The windows (7 days of probes, 1/7/14/30 days of updates) end at the newest
    # observation (probe, crawl or feed read), not at the clock: figures describe what was
    # last seen, and a demo or a restored backup is not shown as silent.
    as_of = models.DateTimeField("数据截至")
    sites = models.PositiveIntegerField("网站数", default=0)
    accounts = models.PositiveIntegerField("账号数", default=0)
    probes = models.PositiveIntegerField("近7日首页探测次数", default=0)
    probes_failed = models.PositiveIntegerField("近7日首页探测失败次数", default=0)
    home_dead_links = models.PositiveIntegerField("首页不可用链接", default=0)
    stale_columns = models.PositiveIntegerField("未按时更新栏目", default=0)
    blank_columns = models.PositiveIntegerField("空白栏目", default=0)
    site_updates_1 = models.PositiveIntegerField("网站近1日更新", default=0)
    site_updates_7 = models.PositiveIntegerField("网站近7日更新", default=0)
    site_updates_14 = models.PositiveIntegerField("网站近14日更新", default=0)
    site_updates_30 = models.PositiveIntegerField("网站近30日更新", default=0)
    account_updates_1 = models.PositiveIntegerField("账号近1日发文", default=0)
    account_updates_7 = models.PositiveIntegerField("账号近7日发文", default=0)
    account_updates_14 = models.PositiveIntegerField("账号近14日发文", default=0)
    account_updates_30 = models.PositiveIntegerField("账号近30日发文", default=0)

    class Meta:
        verbose_name = "单位运行统计"
        verbose_name_plural = "单位运行统计"

    def __str__(self) -> str:
        return f"{self.unit.name} {self.computed_at:%Y-%m-%d %H:%M}"


class UnitVerdicts(models.Model):
    """One unit's own results of one inspection, counted by kind and verdict."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="+"
    )
    sites_qualified = models.PositiveIntegerField("合格网站", default=0)
    sites_unqualified = models.PositiveIntegerField("不合格网站", default=0)
    sites_unknown = models.PositiveIntegerField("无法判定网站", default=0)
    accounts_qualified = models.PositiveIntegerField("合格账号", default=0)
    accounts_unqualified = models.PositiveIntegerField("不合格账号", default=0)
    accounts_unknown = models.PositiveIntegerField("无法判定账号", default=0)

    class Meta:
        verbose_name = "单位检查结论统计"
        verbose_name_plural = "单位检查结论统计"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], name="unitverdicts_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.inspection.period}"
