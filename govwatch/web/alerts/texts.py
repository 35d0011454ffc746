"""What each alert says, in Chinese: one subject line (also the SMS text) and a body that
names the unit, the period, the counts, the deadline (2024年7月30日) and the working days
left, with the path of the page to open.

Texts are written when the alert is recorded, so a delivery retried tomorrow still says
what was true when the event happened.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from govwatch.web.alerts.transports import Message
from govwatch.web.monitoring.models import WARNING_KINDS
from govwatch.web.tickets.models import OWING

_QUARTER_ZH = {"1": "一", "2": "二", "3": "三", "4": "四"}


def date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_zh(label: str) -> str:
    """2024Q3 → 2024年第三季度, 2024H1 → 2024年上半年, 2024-05 → 2024年5月, 2024 → 2024年度."""
    text = label.strip().upper()
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        return f"{m[1]}年第{_QUARTER_ZH[m[2]]}季度"
    if m := re.fullmatch(r"(\d{4})-?H([12])", text):
        return f"{m[1]}年{'上' if m[2] == '1' else '下'}半年"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return f"{m[1]}年{int(m[2])}月"
    if re.fullmatch(r"\d{4}", text):
        return f"{text}年度"
    return label


def list_path(problem_list: Any) -> str:
    return f"/portal/lists/{problem_list.pk}/"


class Context:
    """What the texts need besides the event's own objects: today and working days."""

    def __init__(self, today: dt.date, working_days: Callable[[dt.date, dt.date], int]) -> None:
        self.today = today
        self._between = working_days

    def working_days(self, start: dt.date, end: dt.date) -> int | None:
        """Working days in (start, end], or None when the calendar does not cover them."""
        try:
            return self._between(start, end)
        except ValueError:  # CalendarNotCovered: say nothing rather than guess
            return None


def _owing(problem_list: Any) -> int:
    return int(problem_list.items.filter(state__in=OWING).count())


def _deadline_line(problem_list: Any, ctx: Context) -> str:
    deadline: dt.date = problem_list.deadline
    left = ctx.working_days(ctx.today, deadline) if ctx.today <= deadline else None
    tail = f"（还剩{left}个工作日）" if left is not None else ""
    return f"整改期限：{date_zh(deadline)}{tail}"


def problem_list_sent(ctx: Context, unit: Any, problem_list: Any, count: int) -> Message:
    period = period_zh(problem_list.period)
    deadline = date_zh(problem_list.deadline)
    left = ctx.working_days(ctx.today, problem_list.deadline)
    within = f"（{left}个工作日内）" if left is not None and left > 0 else ""
    body = [
        f"{unit.name}：",
        f"{period}检查发现你单位的{count}个问题已列入问题清单下发，"
        f"请于{deadline}前{within}完成整改，并在平台填写整改情况、上传整改材料。",
        f"检查期：{period}",
        f"问题数量：{count}项",
        _deadline_line(problem_list, ctx),
        "对问题认定有异议的，可在整改期限内在平台提出申诉。",
    ]
    return Message(
        f"【问题清单】{unit.name}：{period}问题清单已下发，共{count}项，请于{deadline}前整改",
        "\n".join(body),
        list_path(problem_list),
    )


def deadline_near(ctx: Context, unit: Any, problem_list: Any, days_left: int) -> Message:
    period = period_zh(problem_list.period)
    deadline = date_zh(problem_list.deadline)
    owing = _owing(problem_list)
    body = [
        f"{unit.name}：",
        f"你单位{period}问题清单的整改期限为{deadline}，还剩{days_left}个工作日，"
        f"尚有{owing}项问题未完成整改，请抓紧整改并在平台提交。",
        f"检查期：{period}",
        f"未完成整改：{owing}项",
        f"整改期限：{deadline}（还剩{days_left}个工作日）",
    ]
    return Message(
        f"【整改期限临近】{unit.name}：{period}问题清单还剩{days_left}个工作日到期（{deadline}）",
        "\n".join(body),
        list_path(problem_list),
    )


def overdue(ctx: Context, unit: Any, problem_list: Any) -> Message:
    period = period_zh(problem_list.period)
    deadline = date_zh(problem_list.deadline)
    late = ctx.working_days(problem_list.deadline, ctx.today)
    items = problem_list.items.filter(state="overdue").count()
    late_text = f"，已逾期{late}个工作日" if late else ""
    body = [
        f"{unit.name}：",
        f"你单位{period}问题清单的整改期限{deadline}已过{late_text}，"
        f"{items}项问题未完成整改，已标记为逾期。请尽快整改并在平台提交。",
        f"检查期：{period}",
        f"逾期未整改：{items}项",
        f"整改期限：{deadline}",
    ]
    return Message(
        f"【整改逾期】{unit.name}：{period}问题清单已超过整改期限（{deadline}）",
        "\n".join(body),
        list_path(problem_list),
    )


def overdue_escalated(ctx: Context, unit: Any, problem_list: Any) -> Message:
    period = period_zh(problem_list.period)
    deadline = date_zh(problem_list.deadline)
    late = ctx.working_days(problem_list.deadline, ctx.today)
    items = problem_list.items.filter(state="overdue").count()
    late_text = f"已逾期{late}个工作日，" if late else "已逾期，"
    body = [
        f"{unit.name}{period}问题清单的整改期限为{deadline}，{late_text}"
        f"仍有{items}项问题未完成整改。特此提请督办。",
        f"责任单位：{unit.name}",
        f"检查期：{period}",
        f"逾期未整改：{items}项",
        f"整改期限：{deadline}",
    ]
    return Message(
        f"【逾期升级】{unit.name}{period}问题清单逾期未整改（{items}项），请督办",
        "\n".join(body),
        list_path(problem_list),
    )


def appeal_decided(ctx: Context, unit: Any, item: Any, accepted: bool) -> Message:
    problem_list = item.problem_list
    verdict = "申诉成立" if accepted else "申诉被驳回"
    after = (
        "该问题不再计入整改。"
        if accepted
        else f"请按期完成整改。{_deadline_line(problem_list, ctx)}"
    )
    body = [
        f"{unit.name}：",
        f"你单位对“{item.title}”（{item.subject_name}）提出的申诉经审核，{verdict}。{after}",
        f"问题描述：{item.message}",
    ]
    if item.decision_reason:
        body.append(f"审核意见：{item.decision_reason}")
    return Message(
        f"【申诉结果】{unit.name}：“{item.title}”{verdict}",
        "\n".join(body),
        list_path(problem_list),
    )


def recheck_failed(ctx: Context, unit: Any, item: Any) -> Message:
    problem_list = item.problem_list
    body = [
        f"{unit.name}：",
        f"你单位提交整改的“{item.title}”（{item.subject_name}）经自动复查，问题仍然存在，"
        "已退回整改中。请继续整改后重新提交。",
        f"复查说明：{item.recheck_note}" if item.recheck_note else "",
        _deadline_line(problem_list, ctx),
    ]
    return Message(
        f"【复查未通过】{unit.name}：“{item.title}”问题仍然存在，请继续整改",
        "\n".join(line for line in body if line),
        list_path(problem_list),
    )


def early_warning(ctx: Context, unit: Any, warning: Any) -> Message:
    kind = dict(WARNING_KINDS).get(warning.kind, warning.kind)
    target = warning.site or warning.account or warning.target_id
    body = [f"{unit.name}：", f"{kind}预警：{warning.message}"]
    if warning.days_left is not None and "还剩" not in warning.message:
        body.append(f"距离红线还剩{warning.days_left}天。")
    body += [f"对象：{target}", f"计算日期：{date_zh(warning.day)}", "请及时处理，避免被通报。"]
    return Message(f"【监测预警】{unit.name}：{kind}（{target}）", "\n".join(body))


COMPOSERS: dict[str, Callable[..., Message]] = {
    "problem_list_sent": problem_list_sent,
    "deadline_near": deadline_near,
    "overdue": overdue,
    "overdue_escalated": overdue_escalated,
    "appeal_decided": appeal_decided,
    "recheck_failed": recheck_failed,
    "early_warning": early_warning,
}


def digest_text(day: dt.date, subjects: list[tuple[str, str]], most: int = 30) -> Message:
    """One day's gathered alerts, newest last: each subject with its link."""
    lines = [f"{date_zh(day)}共有{len(subjects)}条提醒："]
    for number, (subject, link) in enumerate(subjects[:most], start=1):
        lines.append(f"{number}. {subject}" + (f" {link}" if link else ""))
    if len(subjects) > most:
        lines.append(f"……另有{len(subjects) - most}条，请登录平台查看。")
    return Message(f"【每日提醒汇总】{date_zh(day)}，共{len(subjects)}条", "\n".join(lines))
