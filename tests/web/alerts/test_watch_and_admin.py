"""The alerts in the watch (their jobs and default schedules), early warnings turned into
alerts once, the admin (rules editable, deliveries read-only) and the POST seam."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from govwatch.engine.clock import BEIJING
from govwatch.engine.fetch.post import post_json
from govwatch.engine.fetch.types import FetchConfig, FetchError
from govwatch.web.alerts.models import AlertDelivery, AlertRule
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.interaction.models import CitizenMessage
from govwatch.web.monitoring.jobs import Job, job_run, schedule_jobs
from govwatch.web.monitoring.models import EarlyWarning
from govwatch.web.monitoring.services import schedule_claim, schedules_ensure
from govwatch.web.monitoring.warnings import warnings_evaluate
from govwatch.web.tickets.models import ProblemItem
from tests.web.alerts.conftest import World, send_list
from tests.web.alerts.servers import SmtpServer, WebhookServer

pytestmark = pytest.mark.django_db(transaction=True)
NOW = dt.datetime(2024, 10, 14, 9, 0, tzinfo=BEIJING)


def test_the_alert_jobs_have_default_schedules_and_run_by_name(
    world: World, smtp: SmtpServer
) -> None:
    calendar = work_calendar_load()
    kinds = {s.kind: s for s in schedules_ensure(calendar, NOW)}
    assert kinds["alerts"].interval_minutes == 5 and kinds["alerts"].next_run_at == NOW
    # The deadline pass fires now, then every day at 08:00 Beijing.
    deadlines = kinds["deadlines"]
    assert schedule_jobs(deadlines, NOW) == [
        Job("deadlines", {"day": "2024-10-14", "schedule_id": deadlines.pk})
    ]
    assert schedule_claim(deadlines, calendar, NOW)
    assert deadlines.next_run_at == dt.datetime(2024, 10, 15, 8, 0, tzinfo=BEIJING)
    early = dt.datetime(2024, 10, 15, 6, 30, tzinfo=BEIJING)
    assert schedule_claim(deadlines, calendar, early) and deadlines.next_run_at.hour == 8
    assert deadlines.next_run_at.date() == dt.date(2024, 10, 15)
    alerts = kinds["alerts"]
    assert schedule_claim(alerts, calendar, NOW)
    assert alerts.next_run_at == NOW + dt.timedelta(minutes=5)

    send_list(world, today=dt.date(2024, 9, 27))  # due 2024-10-16
    smtp.mails.clear()
    said = job_run(Job("deadlines", {"day": "2024-10-14", "schedule_id": deadlines.pk}))
    assert said.startswith("逾期 0 项，到期提醒 2 项，升级 0 项")
    assert [SmtpServer.subject(m)[:8] for m in smtp.mails] == ["【整改期限临近】"]
    assert ProblemItem.objects.exclude(reminded_at=None).count() == 2
    assert job_run(Job("alerts", {"day": "2024-10-14", "schedule_id": alerts.pk})).startswith(
        "提醒发送 0 条"
    )


def test_the_deadline_job_sends_the_digest(world: World, smtp: SmtpServer) -> None:
    AlertRule.objects.create(
        event="all", channel="email", target="ban@kaifeng.example.cn", digest=True
    )
    send_list(world)
    assert smtp.mails == []
    today = timezone.now().astimezone(BEIJING).date().isoformat()
    said = job_run(Job("deadlines", {"day": today}))
    assert "每日汇总 1 条，发送 1 条" in said
    assert smtp.recipients() == ["ban@kaifeng.example.cn"]


def test_a_new_early_warning_alerts_its_unit_once(world: World, smtp: SmtpServer) -> None:
    AlertRule.objects.create(event="early_warning", channel="email", role="unit_operator")
    today = timezone.localdate()
    CitizenMessage.objects.create(
        message_id="M1", box="mayor", unit=world.bureau,
        received_at=timezone.now() - dt.timedelta(days=61), status="pending",
    )  # fmt: skip
    assert warnings_evaluate(today, "cn-national-2019") == 1
    [mail] = smtp.mails
    assert mail["To"] == "tianbao@jyj.example.cn"
    assert SmtpServer.subject(mail).startswith("【监测预警】开封市教育局：留言办理")
    assert "已61天未答复" in SmtpServer.text(mail)
    # Evaluated again the same day, or the next day with the warning still standing: no news.
    warnings_evaluate(today, "cn-national-2019")
    warnings_evaluate(today + dt.timedelta(days=1), "cn-national-2019")
    assert len(smtp.mails) == 1
    assert EarlyWarning.objects.count() == 2
    # A second message past the line is a new warning.
    CitizenMessage.objects.create(
        message_id="M2", box="mayor", unit=world.bureau,
        received_at=timezone.now() - dt.timedelta(days=65), status="pending",
    )  # fmt: skip
    warnings_evaluate(today + dt.timedelta(days=1), "cn-national-2019")
    assert len(smtp.mails) == 2 and "（M2）" in SmtpServer.text(smtp.mails[1])


def test_without_a_rule_early_warnings_are_not_mailed(world: World, smtp: SmtpServer) -> None:
    CitizenMessage.objects.create(
        message_id="M1", box="mayor", unit=world.bureau,
        received_at=timezone.now() - dt.timedelta(days=61), status="pending",
    )  # fmt: skip
    assert warnings_evaluate(timezone.localdate(), "cn-national-2019") == 1
    assert smtp.mails == [] and not AlertDelivery.objects.exists()


def test_rules_say_what_is_wrong_in_chinese() -> None:
    with pytest.raises(ValidationError) as robot:
        AlertRule(event="all", channel="wecom", target="").full_clean()
    assert "Webhook 地址" in str(robot.value)
    with pytest.raises(ValidationError) as mail:
        AlertRule(event="all", channel="email", target="ban@kaifeng, x@y.cn").full_clean()
    assert "不是有效的电子邮箱" in str(mail.value)
    with pytest.raises(ValidationError) as secret:
        AlertRule(
            event="all", channel="wecom", target="https://qyapi.example/x", secret="SEC1"
        ).full_clean()
    assert "只有钉钉机器人使用加签密钥" in str(secret.value)
    AlertRule(event="all", channel="sms", target="13800000001，+86-139-0000-0002").full_clean()


def test_admin_edits_rules_and_shows_deliveries_read_only(
    admin_client: Client, world: World, hooks: WebhookServer
) -> None:
    page = admin_client.get("/admin/alerts/alertrule/add/").content.decode()
    for label in (
        "提醒规则",
        "接收角色",
        "免打扰开始",
        "每日汇总",
        "加签密钥（钉钉）",
        "钉钉群机器人",
    ):
        assert label in page
    form = {
        "name": "市政务公开办钉钉群", "event": "overdue_escalated", "unit": world.city.pk,
        "role": "", "channel": "dingtalk", "target": hooks.url("/dingtalk?access_token=tok"),
        "secret": "SECabc", "quiet_start": "22:00:00", "quiet_end": "07:00:00", "active": "on",
    }  # fmt: skip
    response = admin_client.post("/admin/alerts/alertrule/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AlertRule.objects.get().secret == "SECabc"
    listing = admin_client.get("/admin/alerts/alertrule/").content.decode()
    assert "access_token=tok" not in listing and "127.0.0.1/…（机器人地址）" in listing
    AlertDelivery.objects.create(
        event="overdue", channel="wecom", recipient=hooks.url("/wecom?key=secret-key"),
        subject="【整改逾期】开封市教育局", body="正文",
    )  # fmt: skip
    deliveries = admin_client.get("/admin/alerts/alertdelivery/")
    assert deliveries.status_code == 200
    assert "secret-key" not in deliveries.content.decode()
    assert admin_client.get("/admin/alerts/alertdelivery/add/").status_code == 403
    delivery = AlertDelivery.objects.get()
    detail = admin_client.get(f"/admin/alerts/alertdelivery/{delivery.pk}/change/").content.decode()
    assert "【整改逾期】开封市教育局" in detail and 'name="subject"' not in detail


def test_post_json_keeps_the_address_policy_and_reports_failures_as_values(
    hooks: WebhookServer,
) -> None:
    allowed = FetchConfig(allow_hosts=("127.0.0.0/8",), total_timeout=5)
    result = post_json(
        hooks.url("/wecom"), {"msgtype": "text", "text": {"content": "测试"}}, allowed
    )
    assert result.ok and result.json() == {"errcode": 0, "errmsg": "ok"}
    assert hooks.bodies("/wecom") == [{"msgtype": "text", "text": {"content": "测试"}}]
    refused = post_json(hooks.url("/wecom"), {}, FetchConfig())
    assert refused.error is FetchError.PRIVATE_ADDRESS and not refused.ok
    assert post_json("ftp://127.0.0.1/x", {}, allowed).error is FetchError.UNSUPPORTED_SCHEME
    mapped = FetchConfig(host_map=(("robot.example.cn", f"127.0.0.1:{hooks.port}"),))
    assert (
        post_json("http://robot.example.cn/wecom", {}, mapped).error is FetchError.PRIVATE_ADDRESS
    )
    named = FetchConfig(
        allow_hosts=("robot.example.cn",),
        host_map=(("robot.example.cn", f"127.0.0.1:{hooks.port}"),),
    )
    assert post_json("http://robot.example.cn/wecom", {"msgtype": "x"}, named).status == 200
    assert len(hooks.receiver.seen) == 2
