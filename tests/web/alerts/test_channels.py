"""Robots, SMS, retries, quiet hours and the daily digest against loopback receivers: the
DingTalk receiver checks the signature from the query string with the secret, the WeCom
and DingTalk receivers check the message shapes, the SMS gateway checks its token."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import timezone

from govwatch.engine.clock import BEIJING
from govwatch.web.alerts.models import AlertDelivery, AlertRule
from govwatch.web.alerts.services import (
    BACKOFF,
    MAX_ATTEMPTS,
    alert_emit,
    alerts_deliver,
    alerts_digest,
    quiet_until,
)
from tests.web.alerts.conftest import DINGTALK_SECRET, SMS_TOKEN, World, send_list
from tests.web.alerts.servers import SmtpServer, WebhookServer

pytestmark = pytest.mark.django_db(transaction=True)
NO_QUIET = {"quiet_start": dt.time(0, 0), "quiet_end": dt.time(0, 0)}


def test_wecom_and_dingtalk_robots_receive_signed_markdown(
    world: World, hooks: WebhookServer
) -> None:
    AlertRule.objects.create(
        event="problem_list_sent", channel="wecom", target=hooks.url("/wecom?key=abc-123"),
        **NO_QUIET,
    )  # fmt: skip
    AlertRule.objects.create(
        event="all", channel="dingtalk", target=hooks.url("/dingtalk?access_token=tok"),
        secret=DINGTALK_SECRET, **NO_QUIET,
    )  # fmt: skip
    problem_list = send_list(world)
    assert hooks.receiver.problems == []
    [wecom] = hooks.bodies("/wecom")
    assert wecom["msgtype"] == "markdown"
    assert wecom["markdown"]["content"].startswith("### 【问题清单】开封市教育局")
    assert f"/portal/lists/{problem_list.pk}/" in wecom["markdown"]["content"]
    [dingtalk] = hooks.bodies("/dingtalk")
    assert dingtalk["msgtype"] == "markdown"
    assert dingtalk["markdown"]["title"].startswith("【问题清单】开封市教育局")
    assert "整改期限：2024年10月16日" in dingtalk["markdown"]["text"]
    [signed] = [r for r in hooks.receiver.seen if r.path == "/dingtalk"]
    assert signed.query["access_token"] == "tok" and signed.query["timestamp"].isdigit()
    assert set(AlertDelivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_wrong_dingtalk_secret_is_a_failed_delivery_with_the_robots_reason(
    world: World, hooks: WebhookServer
) -> None:
    AlertRule.objects.create(
        event="all", channel="dingtalk", target=hooks.url("/dingtalk?access_token=tok"),
        secret="SECnot-the-robots-secret", **NO_QUIET,
    )  # fmt: skip
    send_list(world)
    [delivery] = AlertDelivery.objects.all()
    assert delivery.state == "failed" and "310000" in delivery.last_error


def test_a_robot_on_loopback_is_refused_unless_allowed(
    world: World, hooks: WebhookServer, settings: Any
) -> None:
    settings.GOVWATCH_ALLOW_HOSTS = []
    AlertRule.objects.create(event="all", channel="wecom", target=hooks.url("/wecom"), **NO_QUIET)
    send_list(world)
    [delivery] = AlertDelivery.objects.all()
    assert delivery.state == "failed" and delivery.last_error.startswith("private_address")
    assert hooks.receiver.seen == []


def test_sms_through_the_gateway_to_the_members_phones(
    world: World, hooks: WebhookServer, settings: Any
) -> None:
    settings.GOVWATCH_SMS_GATEWAY_URL = hooks.url("/sms/send")
    settings.GOVWATCH_SMS_GATEWAY_TOKEN = SMS_TOKEN
    AlertRule.objects.create(event="all", channel="sms", role="unit_operator", **NO_QUIET)
    send_list(world)
    assert hooks.receiver.problems == []
    [sms] = hooks.bodies("/sms")
    assert sms["phone"] == "13800000001"  # the operator without a phone gets none
    assert sms["text"].startswith("【问题清单】开封市教育局") and "/portal/lists/" in sms["text"]
    assert AlertDelivery.objects.get().state == "sent"


def test_a_failing_receiver_is_retried_with_backoff(world: World, hooks: WebhookServer) -> None:
    hooks.receiver.script = [(500, {"error": "busy"})]  # then it accepts
    AlertRule.objects.create(event="all", channel="wecom", target=hooks.url("/wecom"), **NO_QUIET)
    send_list(world)
    delivery = AlertDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert delivery.last_error.startswith("HTTP 500")
    first_try = delivery.next_attempt_at - BACKOFF[0]
    assert abs((first_try - timezone.now()).total_seconds()) < 30
    # Not due yet: nothing is sent; a minute later it is.
    assert alerts_deliver(first_try + dt.timedelta(seconds=30))["sent"] == 0
    assert alerts_deliver(delivery.next_attempt_at)["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(hooks.bodies("/wecom")) == 2


def test_five_failures_give_up_after_1_5_30_minutes_and_2_hours(
    world: World, hooks: WebhookServer
) -> None:
    hooks.receiver.script = [(502, {"error": "down"})] * MAX_ATTEMPTS
    AlertRule.objects.create(event="all", channel="wecom", target=hooks.url("/wecom"), **NO_QUIET)
    send_list(world)
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        delivery = AlertDelivery.objects.get()
        assert delivery.state == "failed"
        tried_at = delivery.next_attempt_at
        alerts_deliver(tried_at)
        delivery.refresh_from_db()
        if delivery.state == "failed":
            waits.append(delivery.next_attempt_at - tried_at)
    assert waits == list(BACKOFF[1:])
    delivery = AlertDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("gave_up", MAX_ATTEMPTS)
    assert alerts_deliver(delivery.next_attempt_at + dt.timedelta(days=1))["sent"] == 0
    assert len(hooks.receiver.seen) == MAX_ATTEMPTS


def test_quiet_hours_hold_robots_and_sms_until_their_end_but_not_mail(
    world: World, hooks: WebhookServer, smtp: SmtpServer
) -> None:
    now = timezone.now().astimezone(BEIJING)
    start = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    robot = AlertRule.objects.create(
        event="all", channel="wecom", target=hooks.url("/wecom"), quiet_start=start, quiet_end=end
    )
    AlertRule.objects.create(
        event="all", channel="email", role="unit_operator", quiet_start=start, quiet_end=end
    )
    send_list(world)
    assert smtp.recipients() == ["tianbao@jyj.example.cn"]  # mail is not held
    assert hooks.receiver.seen == []
    held = AlertDelivery.objects.get(rule=robot)
    assert held.state == "pending" and held.attempts == 0
    assert held.next_attempt_at == quiet_until(now, start, end)
    assert held.next_attempt_at.astimezone(BEIJING).time() == end
    assert alerts_deliver()["sent"] == 0
    assert alerts_deliver(held.next_attempt_at)["sent"] == 1
    assert len(hooks.bodies("/wecom")) == 1


def test_quiet_hours_span_midnight() -> None:
    night, morning = dt.time(22, 0), dt.time(7, 0)

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(2024, 7, day, hour, minute, tzinfo=BEIJING)

    assert quiet_until(at(10, 23, 30), night, morning) == at(11, 7)
    assert quiet_until(at(11, 6, 59), night, morning) == at(11, 7)
    assert quiet_until(at(11, 7), night, morning) is None
    assert quiet_until(at(11, 21, 59), night, morning) is None
    assert quiet_until(at(11, 12, 30), dt.time(12), dt.time(14)) == at(11, 14)
    assert quiet_until(at(11, 3), night, night) is None  # start == end: no quiet hours
    # UTC in, Beijing counted: 15:30 UTC is 23:30 in Beijing.
    assert quiet_until(dt.datetime(2024, 7, 10, 15, 30, tzinfo=dt.UTC), night, morning) == at(11, 7)


def test_the_daily_digest_gathers_one_message_per_recipient_and_channel(
    world: World, smtp: SmtpServer, hooks: WebhookServer
) -> None:
    AlertRule.objects.create(
        event="all", channel="email", target="ban@kaifeng.example.cn", digest=True
    )
    AlertRule.objects.create(
        event="all", channel="dingtalk", target=hooks.url("/dingtalk"), secret=DINGTALK_SECRET,
        digest=True, **NO_QUIET,
    )  # fmt: skip
    problem_list = send_list(world)
    item = problem_list.items.first()
    alert_emit("recheck_failed", unit=world.bureau, item=item)
    assert smtp.mails == [] and hooks.receiver.seen == []  # nothing one by one
    assert AlertDelivery.objects.filter(digest=True, state="pending").count() == 4
    assert alerts_deliver()["sent"] == 0
    today = timezone.now().astimezone(BEIJING).date()
    assert alerts_digest(today - dt.timedelta(days=1)) == 0  # yesterday's: none yet
    assert alerts_digest(today) == 2
    assert alerts_digest(today) == 0  # gathered once
    assert alerts_deliver()["sent"] == 2
    [mail] = smtp.mails
    assert (
        SmtpServer.subject(mail)
        == f"【每日提醒汇总】{today.year}年{today.month}月{today.day}日，共2条"
    )
    text = SmtpServer.text(mail)
    assert "1. 【问题清单】开封市教育局" in text and "2. 【复查未通过】开封市教育局" in text
    [robot] = hooks.bodies("/dingtalk")
    assert robot["markdown"]["title"].startswith("【每日提醒汇总】") and not hooks.receiver.problems
    gathered = AlertDelivery.objects.filter(digest=True)
    assert set(gathered.values_list("state", flat=True)) == {"digested"}
    assert all(row.bundle is not None and row.bundle.state == "sent" for row in gathered)


def test_the_background_sender_sends_without_holding_the_caller(
    world: World, hooks: WebhookServer, settings: Any
) -> None:
    settings.GOVWATCH_ALERT_INLINE = False
    settings.GOVWATCH_ALERT_SEND_AT_ONCE = True
    hooks.receiver.script = []
    AlertRule.objects.create(event="all", channel="wecom", target=hooks.url("/wecom"), **NO_QUIET)
    send_list(world)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and AlertDelivery.objects.get().state != "sent":
        time.sleep(0.1)
    assert AlertDelivery.objects.get().state == "sent"
    assert len(hooks.bodies("/wecom")) == 1


def test_with_sending_at_once_off_the_watch_sends(
    world: World, hooks: WebhookServer, settings: Any
) -> None:
    settings.GOVWATCH_ALERT_INLINE = False
    settings.GOVWATCH_ALERT_SEND_AT_ONCE = False
    AlertRule.objects.create(event="all", channel="wecom", target=hooks.url("/wecom"), **NO_QUIET)
    send_list(world)
    assert AlertDelivery.objects.get().state == "pending" and hooks.receiver.seen == []
    assert alerts_deliver()["sent"] == 1
