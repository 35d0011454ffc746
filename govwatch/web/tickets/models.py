"""Step 5 of the loop: problem lists (问题清单) sent to the responsible units.

A list is one unit's confirmed findings of one inspection, sent with a deadline in
official working days. Each item copies its finding (the finding's evidence is the
inspection's and never changes) and carries the unit's answer, its evidence files, an
appeal, the automatic re-check and the supervisor's closing. Every change of an item's
state is an ItemEvent: the history a unit and a supervisor see, never edited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govwatch.engine.labels import SEVERITY_ZH, choices
from govwatch.web.inspections.models import Inspection, InspectionFinding
from govwatch.web.registry.models import Account, Column, Site, Unit
from govwatch.web.scans.models import TARGET_KIND_CHOICES

ITEM_STATE_ZH = {
    "sent": "已下发",
    "received": "已签收",
    "rectifying": "整改中",
    "submitted": "已提交整改",
    "rechecking": "复查中",
    "closed": "已办结",
    "appealed": "申诉中",
    "appeal_accepted": "申诉成立",
    "appeal_rejected": "申诉驳回",
    "overdue": "已逾期",
}
ITEM_STATES = list(ITEM_STATE_ZH.items())
# Finished: counted as 办结 (an accepted appeal ends the item as not a problem).
DONE = ("closed", "appeal_accepted")
# The unit still owes an answer: these turn overdue after the deadline.
OWING = ("sent", "received", "rectifying", "appeal_rejected")

RECHECK_ZH = {"": "未复查", "passed": "复查通过", "failed": "复查未通过", "error": "复查失败"}
RECHECKS = list(RECHECK_ZH.items())
SUBJECT_ZH = {"site": "网站", "column": "栏目", "account": "政务新媒体"}


class ProblemList(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="problem_lists"
    )
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="problem_lists"
    )
    period = models.CharField("检查期", max_length=40)
    sent_at = models.DateTimeField("下发时间")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField("整改期限")
    deadline_note = models.CharField("期限说明", max_length=200, blank=True)
    received_at = models.DateTimeField("签收时间", null=True, blank=True)
    note = models.CharField("下发说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "问题清单"
        verbose_name_plural = "问题清单"
        ordering = ["-sent_at", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "inspection"], name="problem_list_one_per_unit_inspection"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.period} 问题清单"


class ProblemItem(models.Model):
    problem_list = models.ForeignKey(
        ProblemList, verbose_name="问题清单", on_delete=models.CASCADE, related_name="items"
    )
    finding = models.ForeignKey(
        InspectionFinding,
        verbose_name="检查问题",
        null=True,
        on_delete=models.SET_NULL,
        related_name="problem_items",
    )
    # What the item is about: a site, one of its columns, or an account.
    subject = models.CharField("对象类型", max_length=10, choices=list(SUBJECT_ZH.items()))
    site = models.ForeignKey(Site, verbose_name="网站", null=True, on_delete=models.PROTECT)
    column = models.ForeignKey(
        Column, verbose_name="栏目", null=True, blank=True, on_delete=models.SET_NULL
    )
    account = models.ForeignKey(Account, verbose_name="账号", null=True, on_delete=models.PROTECT)
    code = models.CharField("指标代码", max_length=10)
    title = models.CharField("指标", max_length=100)
    severity = models.CharField("性质", max_length=20, choices=choices(SEVERITY_ZH))
    target_kind = models.CharField("对象", max_length=20, choices=TARGET_KIND_CHOICES)
    target_id = models.CharField("问题位置", max_length=2000)
    message = models.TextField("问题描述")
    evidence = models.JSONField("证据", default=dict)
    fingerprint = models.CharField("问题指纹", max_length=32, db_index=True)
    # How many earlier problem lists carried the same problem (same fingerprint, same
    # target): 0 for a new problem; from 1 the bulletin says 经多次通报依然未整改.
    recurrence = models.PositiveIntegerField("此前通报次数", default=0)
    state = models.CharField("状态", max_length=20, choices=ITEM_STATES, default="sent")
    answer = models.TextField("整改情况说明", blank=True)
    appeal_reason = models.TextField("申诉理由", blank=True)
    decision_reason = models.CharField("审核意见", max_length=500, blank=True)
    recheck = models.CharField("复查结果", max_length=10, choices=RECHECKS, blank=True)
    recheck_note = models.CharField("复查说明", max_length=500, blank=True)
    recheck_at = models.DateTimeField("复查时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    escalated_at = models.DateTimeField("升级提醒时间", null=True, blank=True)
    reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "问题清单条目"
        verbose_name_plural = "问题清单条目"
        ordering = ["problem_list", "pk"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.title}：{self.message[:40]}"

    @property
    def done(self) -> bool:
        return self.state in DONE

    @property
    def subject_name(self) -> str:
        if self.account_id:
            return str(self.account)
        if self.column_id:
            return str(self.column)
        return str(self.site) if self.site_id else "—"


class ItemEvent(models.Model):
    """One step of an item's history: who, when, what, why, state before → after."""

    item = models.ForeignKey(
        ProblemItem, verbose_name="条目", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=30)
    state_before = models.CharField("操作前状态", max_length=20, choices=ITEM_STATES)
    state_after = models.CharField("操作后状态", max_length=20, choices=ITEM_STATES)
    note = models.TextField("说明", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        moment = self.at.strftime("%Y-%m-%d %H:%M") if self.at else ""
        return f"{moment} {self.get_state_before_display()} → {self.get_state_after_display()}"


class Attachment(models.Model):
    """A file a unit uploaded as evidence: kept on disk under the data folder (never in
    the database), named by its hash, served only through the scoped download view."""

    item = models.ForeignKey(
        ProblemItem, verbose_name="条目", on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    path = models.CharField("存储位置", max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改材料"
        verbose_name_plural = "整改材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
