"""Alerts (提醒): who is told what, and every message sent.

An AlertRule says which events reach whom, by which channel: the members of a role
concerned with the event's unit (their own e-mail or phone), or a fixed address (a mailbox,
a phone, a group robot's webhook). With no rule for an event and unit, the defaults apply:
e-mail to the unit's operators, and for an escalation to its supervising leaders.

An AlertDelivery is one message to one address by one channel, kept with its outcome
whatever happens: sent, failed and waiting for its next attempt, given up, or gathered into
a daily digest. Sending never happens inside the workflow that caused it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone

from govwatch.web.registry.models import Unit
from govwatch.web.users.models import ROLES

EVENT_ZH = {
    "problem_list_sent": "问题清单下发",
    "deadline_near": "整改期限临近",
    "overdue": "整改逾期",
    "overdue_escalated": "逾期升级（告知分管领导）",
    "appeal_decided": "申诉审核结果",
    "recheck_failed": "自动复查未通过",
    "early_warning": "监测预警",
}
RULE_EVENTS = [("all", "全部事件"), *EVENT_ZH.items()]
DELIVERY_EVENTS = [*EVENT_ZH.items(), ("digest", "每日汇总")]

CHANNEL_ZH = {
    "email": "电子邮件",
    "wecom": "企业微信群机器人",
    "dingtalk": "钉钉群机器人",
    "sms": "短信",
}
CHANNELS = list(CHANNEL_ZH.items())
ROBOTS = frozenset({"wecom", "dingtalk"})
# Channels that wake people up: these keep the quiet hours; e-mail waits in the inbox.
QUIET_CHANNELS = frozenset({"sms", "wecom", "dingtalk"})

STATE_ZH = {
    "pending": "待发送",
    "sent": "已发送",
    "failed": "发送失败，待重试",
    "gave_up": "多次失败，已放弃",
    "digested": "已并入每日汇总",
}
STATES = list(STATE_ZH.items())

_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


def split_addresses(text: str) -> list[str]:
    """A rule's fixed addresses: separated by commas (either width), semicolons or spaces."""
    return [part for part in re.split(r"[,，;；\s]+", text.strip()) if part]


class AlertRule(models.Model):
    name = models.CharField("规则名称", max_length=100, blank=True)
    event = models.CharField("事件", max_length=30, choices=RULE_EVENTS, default="all")
    role = models.CharField(
        "接收角色",
        max_length=20,
        choices=[("", "任意角色"), *ROLES],
        blank=True,
        help_text="单位填报人员指该单位本身的人员；监管人员、领导指所辖地区包含该单位的人员。"
        "填写了固定接收地址或使用群机器人时，角色不起作用。",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="适用单位（留空为全部）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="规则适用于该单位及其全部下级单位的事件。",
    )
    channel = models.CharField("渠道", max_length=10, choices=CHANNELS, default="email")
    target = models.CharField(
        "接收地址",
        max_length=1000,
        blank=True,
        help_text="电子邮件、短信：留空则发给符合角色的人员本人的邮箱或手机号（见“用户角色”）；"
        "也可填写固定的邮箱或手机号，多个用逗号分隔。"
        "企业微信、钉钉：填写群机器人的 Webhook 地址。",
    )
    secret = models.CharField(
        "加签密钥（钉钉）",
        max_length=200,
        blank=True,
        help_text="钉钉机器人安全设置为“加签”时填写以 SEC 开头的密钥；"
        "企业微信机器人的密钥已包含在 Webhook 地址中，无需填写。",
    )
    quiet_start = models.TimeField("免打扰开始", default=dt.time(22, 0))
    quiet_end = models.TimeField(
        "免打扰结束",
        default=dt.time(7, 0),
        help_text="短信和群机器人在免打扰时段内不发送，顺延到结束时刻（北京时间）；"
        "开始与结束相同表示不设免打扰。电子邮件不受影响。",
    )
    digest = models.BooleanField(
        "每日汇总", default=False, help_text="勾选后不逐条发送，每天早上汇总为一条发送。"
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提醒规则"
        verbose_name_plural = "提醒规则"
        ordering = ["event", "channel", "pk"]

    def __str__(self) -> str:
        what = dict(RULE_EVENTS).get(self.event, self.event)
        return self.name or f"{what} → {CHANNEL_ZH.get(self.channel, self.channel)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        target = self.target.strip()
        if self.channel in ROBOTS:
            if not re.match(r"^https?://[^/\s]+", target, re.IGNORECASE):
                errors["target"] = "群机器人必须填写以 http:// 或 https:// 开头的 Webhook 地址"
        elif self.channel == "email":
            for address in split_addresses(target):
                try:
                    validate_email(address)
                except ValidationError:
                    errors["target"] = f"“{address}”不是有效的电子邮箱"
                    break
        elif self.channel == "sms":
            for phone in split_addresses(target):
                if not _PHONE.match(phone):
                    errors["target"] = f"“{phone}”不是有效的手机号码"
                    break
        if self.secret.strip() and self.channel != "dingtalk":
            errors["secret"] = "只有钉钉机器人使用加签密钥"
        if errors:
            raise ValidationError(errors)


class AlertDelivery(models.Model):
    """One message to one address by one channel, with every attempt's outcome."""

    event = models.CharField("事件", max_length=30, choices=DELIVERY_EVENTS)
    channel = models.CharField("渠道", max_length=10, choices=CHANNELS)
    recipient = models.CharField("接收地址", max_length=1000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="相关单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule = models.ForeignKey(
        AlertRule,
        verbose_name="依据规则（空为默认提醒）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    subject = models.CharField("标题", max_length=300)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=500, blank=True)
    state = models.CharField("状态", max_length=10, choices=STATES, default="pending")
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    last_error = models.CharField("最近一次错误", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    digest = models.BooleanField("并入每日汇总", default=False)
    # Copied from the rule, so a delivery keeps the quiet hours it was created under.
    quiet_start = models.TimeField("免打扰开始", null=True, blank=True)
    quiet_end = models.TimeField("免打扰结束", null=True, blank=True)
    bundle = models.ForeignKey(
        "self",
        verbose_name="所在的每日汇总",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gathered",
    )

    class Meta:
        verbose_name = "提醒发送记录"
        verbose_name_plural = "提醒发送记录"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["digest", "state"]),
        ]

    def __str__(self) -> str:
        return f"{CHANNEL_ZH.get(self.channel, self.channel)} {self.subject[:40]}"
