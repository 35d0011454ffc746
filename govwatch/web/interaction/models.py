"""Interaction response (互动回应): test consultations and citizen messages.

The rules live in govwatch.engine.interaction; these models only store what offices enter
or import, and convert to the engine's value objects (``to_engine``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from govwatch.engine.clock import BEIJING
from govwatch.engine.interaction import consultations as C
from govwatch.engine.interaction import messages as M
from govwatch.web.registry.models import Account, Site, Unit

BOX_CHOICES = [(box.value, label) for box, label in M.BOX_LABELS_ZH.items()]
STATUS_CHOICES = [(status.value, label) for status, label in M.STATUS_LABELS_ZH.items()]
QUALITY_CHOICES = [
    (C.ReplyQuality.ANSWERED.value, "答复了所问问题"),
    (C.ReplyQuality.TEMPLATE.value, "模板化答复"),
]


class ConsultationTest(models.Model):
    """A test consultation (咨询信件测试) sent to exactly one site or one account."""

    test_id = models.CharField("测试编号", max_length=100, unique=True)
    site = models.ForeignKey(
        Site,
        verbose_name="网站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_tests",
    )
    account = models.ForeignKey(
        Account,
        verbose_name="政务新媒体账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_tests",
    )
    channel = models.CharField("渠道", max_length=100)
    question = models.TextField("咨询问题", blank=True)
    sent_at = models.DateTimeField("发送时间")
    send_succeeded = models.BooleanField("发送成功", default=True)
    send_failure_reason = models.CharField("未成功原因", max_length=300, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answer_text = models.TextField("答复内容", blank=True)
    reply_quality = models.CharField("答复质量", max_length=20, choices=QUALITY_CHOICES, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "咨询信件测试"
        verbose_name_plural = "咨询信件测试"
        ordering = ["-sent_at", "test_id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(site__isnull=False, account__isnull=True)
                    | models.Q(site__isnull=True, account__isnull=False)
                ),
                name="consultation_test_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test_id}（{self.target_label}）"

    @property
    def target_label(self) -> str:
        if self.site_id:
            return self.site.name
        if self.account_id:
            return str(self.account)
        return "—"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if bool(self.site_id) == bool(self.account_id):
            errors["site"] = "网站和政务新媒体账号须且只能填写一项"
        if self.answered_at and self.sent_at and self.answered_at < self.sent_at:
            errors["answered_at"] = "答复时间早于发送时间"
        if not self.send_succeeded:
            if not self.send_failure_reason:
                errors["send_failure_reason"] = "发送失败时须写明原因"
            if self.answered_at:
                errors["answered_at"] = "发送失败的测试不应有答复时间"
        if self.reply_quality and not self.answered_at:
            errors["reply_quality"] = "没有答复时间却填写了答复质量"
        if errors:
            raise ValidationError(errors)

    def to_engine(self) -> C.ConsultationTest:
        return C.ConsultationTest(
            test_id=self.test_id,
            target=self.target_label,
            channel=self.channel,
            question=self.question,
            sent_at=self.sent_at,
            send_succeeded=self.send_succeeded,
            send_failure_reason=self.send_failure_reason,
            answered_at=self.answered_at,
            answer_text=self.answer_text,
            reply_quality=C.ReplyQuality(self.reply_quality) if self.reply_quality else None,
            target_kind=C.TargetKind.SITE if self.site_id else C.TargetKind.ACCOUNT,
        )


class CitizenMessage(models.Model):
    """A letter to 市长信箱, 部门留言 or 我为政府网站找错, assigned to one unit."""

    message_id = models.CharField("信件编号", max_length=100)
    box = models.CharField("信箱", max_length=40, choices=BOX_CHOICES)
    unit = models.ForeignKey(
        Unit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="citizen_messages"
    )
    received_at = models.DateTimeField("受理时间")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    status = models.CharField("办理状态", max_length=20, choices=STATUS_CHOICES)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "网民留言"
        verbose_name_plural = "网民留言"
        ordering = ["box", "received_at", "message_id"]
        constraints = [
            # Each mailbox system numbers its own letters; the same number may recur elsewhere.
            models.UniqueConstraint(fields=["box", "message_id"], name="citizen_message_unique"),
        ]
        indexes = [models.Index(fields=["box", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_box_display()} {self.message_id}"

    def clean(self) -> None:
        if self.answered_at and self.received_at and self.answered_at < self.received_at:
            raise ValidationError({"answered_at": "答复时间早于受理时间"})
        if self.status == M.MessageStatus.CLOSED and not self.answered_at:
            raise ValidationError({"answered_at": "状态为已办结，但没有答复时间"})
        if self.status == M.MessageStatus.IN_PROGRESS and self.answered_at:
            raise ValidationError({"status": "已有答复时间，状态却是正在办理"})

    def to_engine(self, unit_name: str | None = None) -> M.CitizenMessage:
        return M.CitizenMessage(
            message_id=self.message_id,
            box=M.MessageBox(self.box),
            unit=unit_name if unit_name is not None else self.unit.name,
            received_at=self.received_at,
            answered_at=self.answered_at,
            status=M.MessageStatus(self.status),
        )


def aware(moment: dt.datetime) -> dt.datetime:
    """Spreadsheet times carry no zone and are Beijing wall-clock time (engine convention)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)
