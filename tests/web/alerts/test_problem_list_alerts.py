"""Alerts of the problem-list workflow on real servers: mails through aiosmtpd on loopback,
the defaults without any rule, the escalation to the supervising leader, the deadline
counted across 国庆, and a mail server that is down never touching the workflow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from govwatch.web.alerts.models import AlertDelivery, AlertRule
from govwatch.web.alerts.services import alert_emit, alerts_deliver
from govwatch.web.calendars.services import work_calendar_load
from govwatch.web.registry.models import Unit
from govwatch.web.tickets.models import ProblemList
from govwatch.web.tickets.services import (
    deadline_for,
    problem_item_appeal,
    problem_item_appeal_decide,
    problem_items_deadlines,
)
from tests.web.alerts.conftest import World, send_list
from tests.web.alerts.servers import SmtpServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_list_sent_before_national_day_is_due_after_it(world: World, smtp: SmtpServer) -> None:
    """Ten working days from Friday 2024-09-27 on the shipped calendar: Sunday 29 September
    is a working day (调休), 1–7 October are the holiday, Saturday 12 October is worked."""
    calendar = work_calendar_load()
    assert calendar.is_working_day(dt.date(2024, 9, 29))
    assert not any(calendar.is_working_day(dt.date(2024, 10, d)) for d in range(1, 8))
    assert calendar.is_working_day(dt.date(2024, 10, 12))
    problem_list = send_list(world, today=dt.date(2024, 9, 27))
    assert problem_list.deadline == dt.date(2024, 10, 16)
    assert deadline_for(dt.date(2024, 9, 27), problem_list.inspection) == dt.date(2024, 10, 16)
    # Without any rule: one mail, to the bureau's operator who has an address.
    assert smtp.recipients() == ["tianbao@jyj.example.cn"]
    [mail] = smtp.mails
    assert mail["From"] == "govwatch@jianguan.example.cn"
    assert SmtpServer.subject(mail) == (
        "【问题清单】开封市教育局：2024年第三季度问题清单已下发，共2项，请于2024年10月16日前整改"
    )
    text = SmtpServer.text(mail)
    assert "2024年第三季度检查发现你单位的2个问题已列入问题清单下发" in text
    assert "整改期限：2024年10月16日" in text
    assert f"/portal/lists/{problem_list.pk}/" in text
    [delivery] = AlertDelivery.objects.all()
    assert (delivery.event, delivery.channel, delivery.state, delivery.attempts) == (
        "problem_list_sent", "email", "sent", 1,
    )  # fmt: skip
    assert delivery.user == world.people["operator"] and delivery.rule is None


def test_reminder_overdue_and_escalation_to_the_supervising_leaders(
    world: World, smtp: SmtpServer
) -> None:
    problem_list = send_list(world, today=dt.date(2024, 9, 27))  # due 2024-10-16
    smtp.mails.clear()
    # Monday 14 October: two working days left (15, 16): the reminder.
    assert problem_items_deadlines(dt.date(2024, 10, 14))["remind"] == 2
    [reminder] = smtp.mails
    assert reminder["To"] == "tianbao@jyj.example.cn"
    assert "还剩2个工作日" in SmtpServer.subject(
        reminder
    ) and "2024年10月16日" in SmtpServer.subject(reminder)
    assert "尚有2项问题未完成整改" in SmtpServer.text(reminder)
    smtp.mails.clear()
    # Monday 21 October: three working days late (17, 18, 21): overdue and escalated.
    counts = problem_items_deadlines(dt.date(2024, 10, 21))
    assert counts["overdue"] == 2 and counts["escalate"] == 2
    [overdue] = [m for m in smtp.mails if SmtpServer.subject(m).startswith("【整改逾期】")]
    assert overdue["To"] == "tianbao@jyj.example.cn"
    escalated = [m for m in smtp.mails if SmtpServer.subject(m).startswith("【逾期升级】")]
    # The supervising leaders: readers and supervisors of the regions ABOVE the bureau
    # (city, province); not the bureau's own supervisor, not another city's.
    assert sorted(m["To"] for m in escalated) == [
        "jianguan@kaifeng.example.cn", "lingdao@kaifeng.example.cn", "sheng@ha.example.cn",
    ]  # fmt: skip
    text = SmtpServer.text(escalated[0])
    assert "开封市教育局2024年第三季度问题清单的整改期限为2024年10月16日，已逾期" in text
    assert "仍有2项问题未完成整改。特此提请督办。" in text
    assert f"/portal/lists/{problem_list.pk}/" in text
    # The pass run again the same day escalates nobody twice.
    smtp.mails.clear()
    problem_items_deadlines(dt.date(2024, 10, 21))
    assert not [m for m in smtp.mails if SmtpServer.subject(m).startswith("【逾期升级】")]
    # The working days late are counted on the calendar from the day the texts are about.
    smtp.mails.clear()
    alert_emit(
        "overdue_escalated",
        unit=world.bureau,
        problem_list=problem_list,
        today=dt.date(2024, 10, 21),
    )
    assert "已逾期3个工作日，仍有2项" in SmtpServer.text(smtp.mails[0])


def test_appeal_decision_reaches_the_unit(world: World, smtp: SmtpServer) -> None:
    problem_list = send_list(world, count=1)
    item = problem_list.items.get()
    problem_item_appeal(item, world.people["operator"], "该页面已按规定迁移，首页实际每日更新")
    problem_item_appeal_decide(item, world.people["city_supervisor"], False, "迁移前的首页仍可访问")
    mail = smtp.mails[-1]
    assert SmtpServer.subject(mail) == "【申诉结果】开封市教育局：“首页不更新”申诉被驳回"
    text = SmtpServer.text(mail)
    assert "审核意见：迁移前的首页仍可访问" in text and "请按期完成整改" in text


def test_a_mail_server_that_is_down_changes_nothing_in_the_workflow(
    world: World, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with transaction.atomic():
        Unit.objects.create(name="开封市财政局", level="prefecture", kind="department")
        problem_list = send_list(world)
    # The list and everything the caller wrote are committed; the alert waits to be retried.
    assert ProblemList.objects.filter(pk=problem_list.pk).exists()
    assert Unit.objects.filter(name="开封市财政局").exists()
    [delivery] = AlertDelivery.objects.all()
    assert delivery.state == "failed" and delivery.attempts == 1
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()


def test_a_broken_event_is_logged_and_leaves_the_callers_transaction_usable(
    world: World, smtp: SmtpServer
) -> None:
    with transaction.atomic():
        # overdue needs a problem list: composing fails inside alert_emit's savepoint.
        assert alert_emit("overdue", unit=world.bureau) == []
        Unit.objects.create(name="开封市民政局", level="prefecture", kind="department")
    assert Unit.objects.filter(name="开封市民政局").exists()
    assert not AlertDelivery.objects.exists() and not smtp.mails
    with pytest.raises(ValueError, match="未知的提醒事件"):
        alert_emit("no_such_event", unit=world.bureau)


def test_with_a_rule_for_the_event_the_rule_decides(world: World, smtp: SmtpServer) -> None:
    """A rule on the city covers the bureau below it; supervisors concerned with the bureau
    are those of the bureau or a region above it, never another city's."""
    AlertRule.objects.create(event="problem_list_sent", role="supervisor", unit=world.city)
    AlertRule.objects.create(event="problem_list_sent", role="supervisor", unit=world.elsewhere)
    send_list(world)
    assert sorted(smtp.recipients()) == [
        "benji@jyj.example.cn", "jianguan@kaifeng.example.cn", "sheng@ha.example.cn",
    ]  # fmt: skip
    # The default (the operators) does not apply once a rule does.
    assert "tianbao@jyj.example.cn" not in smtp.recipients()


def test_an_inactive_rule_leaves_the_defaults(world: World, smtp: SmtpServer) -> None:
    AlertRule.objects.create(event="all", role="reader", active=False)
    send_list(world)
    assert smtp.recipients() == ["tianbao@jyj.example.cn"]


def test_a_fixed_mailbox_gets_one_mail_per_address(world: World, smtp: SmtpServer) -> None:
    AlertRule.objects.create(
        event="all",
        channel="email",
        target="ban@kaifeng.example.cn，ban@kaifeng.example.cn; x@y.cn",
    )
    send_list(world)
    assert sorted(smtp.recipients()) == ["ban@kaifeng.example.cn", "x@y.cn"]
    assert alerts_deliver() == {"sent": 0, "failed": 0, "gave_up": 0, "deferred": 0, "skipped": 0}
