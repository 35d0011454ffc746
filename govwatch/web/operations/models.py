"""One operation an office started from the web: what, who, for which region, how far."""

from __future__ import annotations

from django.conf import settings
from django.db import models

KIND_ZH = {
    "registry_import": "导入名录",
    "scan": "网站检测",
    "inspection": "检查",
    "bulletin": "生成通报",
}
STATE_ZH = {"queued": "排队中", "running": "运行中", "done": "已完成", "failed": "失败"}
ACTIVE = ("queued", "running")


class Operation(models.Model):
    kind = models.CharField("操作类型", max_length=30, choices=list(KIND_ZH.items()))
    state = models.CharField(
        "状态", max_length=20, choices=list(STATE_ZH.items()), default="queued", db_index=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The region the operation works on (the supervisor's own unit, or the one an admin
    # picked); empty means everything, which only an admin may start.
    unit = models.ForeignKey(
        "registry.Unit",
        verbose_name="范围",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误信息", blank=True)
    # host:pid:boot of the process running it, so that a dead one is recognised later.
    runner = models.CharField("执行进程", max_length=200, blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进度时间", null=True, blank=True)

    class Meta:
        verbose_name = "运行操作"
        verbose_name_plural = "运行操作"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{KIND_ZH.get(self.kind, self.kind)} #{self.pk}"

    @property
    def kind_zh(self) -> str:
        title = KIND_ZH.get(self.kind, self.kind)
        if self.kind == "registry_import" and self.params.get("dry_run"):
            return f"{title}（试运行）"
        return title

    @property
    def state_zh(self) -> str:
        return STATE_ZH.get(self.state, self.state)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
