"""Interaction indicators as pure functions returning findings (codes INT001…).

The indicator registry wraps these later; thresholds are parameters so profiles can set them.

INT001 veto  — a valid consultation message left unanswered more than 3 months within the
               year before the check (国办秘函〔2019〕19号, 单项否决 互动回应差, W-V5b).
INT002 deduction — a test consultation got no (countable) reply, could not be sent (the
               channel is unusable), or was answered outside the on-time window; the
               evidence ``bucket`` tells which (W-D6).
INT003 deduction — a message answered after the working-day limit, or still open past it.

The codes are the indicator registry's (``govwatch.engine.checks``), so a finding made here
and one made by a registered indicator mean the same thing.
"""

from __future__ import annotations

import calendar as _months
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from govwatch.engine.interaction.common import china_naive
from govwatch.engine.interaction.consultations import (
    BUCKET_LABELS_ZH,
    CHANNEL_UNAVAILABLE,
    NO_REPLY,
    ConsultationSummary,
    ReplyQuality,
)
from govwatch.engine.interaction.messages import (
    BOX_LABELS_ZH,
    CitizenMessage,
    MessageBox,
    reply_deadline,
)
from govwatch.engine.workdays import WorkCalendar, china_date, default_calendar

# Same names and values as govwatch.engine.findings.Finding, so the registry can wrap these
# field for field; kept separate so this package does not depend on the judge's types.
Severity = Literal["veto", "deduction"]
EvidenceValue = str | int | None

# 我为政府网站找错 reports errors, it is not a 政务咨询类 column, so W-V5b does not cover it.
CONSULTATION_BOXES = (MessageBox.MAYOR_MAILBOX, MessageBox.DEPARTMENT_MESSAGE_BOARD)


@dataclass(frozen=True)
class InteractionFinding:
    code: str
    slug: str
    target_kind: Literal["unit", "site", "account"]
    target_id: str  # the unit (messages) or the site/account (tests)
    severity: Severity
    message_zh: str
    subject_id: str  # message id or test id; also in evidence for the registry
    evidence: Mapping[str, EvidenceValue] = field(default_factory=dict)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """Calendar months, clamped to the month's end (1月31日 + 1个月 = 2月末)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, _months.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def find_messages_unanswered_over_months(
    messages: Iterable[CitizenMessage],
    as_of: dt.datetime,
    *,
    max_months: int = 3,
    lookback_months: int = 12,
    boxes: tuple[MessageBox, ...] = CONSULTATION_BOXES,
) -> tuple[InteractionFinding, ...]:
    """INT001: received within the lookback, and unanswered for more than ``max_months``.

    Counts both messages still open at ``as_of`` and those answered only after the limit:
    either way the message was left unanswered that long within the year.
    """
    check = china_naive(as_of)
    since = add_months(check, -lookback_months)
    found: list[InteractionFinding] = []
    for m in messages:
        if not m.valid or m.box not in boxes:
            continue
        received = china_naive(m.received_at)
        if not since <= received <= check:
            continue
        limit = add_months(received, max_months)
        answered = china_naive(m.answered_at) if m.answered_at is not None else None
        if answered is not None and answered <= check:
            if answered <= limit:
                continue
            state = f"于 {answered:%Y-%m-%d} 才答复"
        elif check > limit:
            state = f"截至 {check:%Y-%m-%d} 仍未答复"
        else:
            continue
        found.append(
            InteractionFinding(
                code="INT001",
                slug="message_unanswered_over_3_months",
                target_kind="unit",
                target_id=m.unit,
                severity="veto",
                message_zh=(
                    f"{BOX_LABELS_ZH[m.box]}信件 {m.message_id}（{m.unit}）"
                    f"{received:%Y-%m-%d} 受理，{state}，超过{max_months}个月未答复"
                ),
                subject_id=m.message_id,
                evidence={
                    "message_id": m.message_id,
                    "box": m.box.value,
                    "received_at": received.isoformat(sep=" "),
                    "answered_at": answered.isoformat(sep=" ") if answered else None,
                    "unanswered_limit": limit.isoformat(sep=" "),
                },
            )
        )
    return tuple(found)


def find_late_message_replies(
    messages: Iterable[CitizenMessage],
    as_of: dt.datetime,
    limit_working_days: int,
    calendar: WorkCalendar | None = None,
) -> tuple[InteractionFinding, ...]:
    """INT003: answered after the working-day limit, or still open after it at ``as_of``."""
    cal = calendar or default_calendar()
    check = china_naive(as_of)
    found: list[InteractionFinding] = []
    for m in messages:
        if not m.valid or china_naive(m.received_at) > check:
            continue
        deadline = reply_deadline(m, limit_working_days, cal)
        answered = china_naive(m.answered_at) if m.answered_at is not None else None
        if answered is not None and answered <= check:
            if answered.date() <= deadline:
                continue
            state = f"于 {answered:%Y-%m-%d} 答复"
        elif check.date() > deadline:
            state = f"截至 {check:%Y-%m-%d} 仍未答复"
        else:
            continue
        found.append(
            InteractionFinding(
                code="INT003",
                slug="message_late_reply",
                target_kind="unit",
                target_id=m.unit,
                severity="deduction",
                message_zh=(
                    f"{BOX_LABELS_ZH[m.box]}信件 {m.message_id}（{m.unit}）应于 {deadline} 前答复"
                    f"（{limit_working_days}个工作日），{state}"
                ),
                subject_id=m.message_id,
                evidence={
                    "message_id": m.message_id,
                    "box": m.box.value,
                    "deadline": deadline.isoformat(),
                    "limit_working_days": limit_working_days,
                    "answered_at": answered.isoformat(sep=" ") if answered else None,
                },
            )
        )
    return tuple(found)


def find_consultation_failures(summary: ConsultationSummary) -> tuple[InteractionFinding, ...]:
    """INT002 for each test with no reply, an unusable channel, or a reply outside the window."""
    on_time = set(summary.profile.on_time_buckets)
    found: list[InteractionFinding] = []
    for result in summary.results:
        test = result.test
        sent = f"{china_date(test.sent_at)} 经{test.channel}发送的测试咨询"
        label = BUCKET_LABELS_ZH.get(result.bucket, result.bucket)
        evidence: dict[str, EvidenceValue] = {
            "test_id": test.test_id,
            "bucket": result.bucket,
            "channel": test.channel,
            "sent_at": test.sent_at.isoformat(sep=" "),
        }
        if result.bucket == CHANNEL_UNAVAILABLE:
            code, slug = "INT002", "consultation_channel_unavailable"
            text = f"{test.target}：{sent}无法提交（{test.send_failure_reason or '原因未记录'}）"
            evidence["send_failure_reason"] = test.send_failure_reason
        elif result.bucket == NO_REPLY:
            code, slug = "INT002", "consultation_no_reply"
            template = test.reply_quality is ReplyQuality.TEMPLATE and test.answered_at
            text = f"{test.target}：{sent}" + ("仅收到模板化答复" if template else "未回复")
            evidence["template_reply"] = "yes" if template else "no"
        elif result.elapsed_working_days is not None and result.bucket not in on_time:
            code, slug = "INT002", "consultation_late_reply"
            text = (
                f"{test.target}：{sent}在第{result.elapsed_working_days}个工作日才答复（{label}），"
                f"超过{summary.profile.on_time_working_days}个工作日的时限"
            )
            evidence["elapsed_working_days"] = result.elapsed_working_days
        else:
            continue
        found.append(
            InteractionFinding(
                code=code,
                slug=slug,
                target_kind=test.target_kind.value,
                target_id=test.target,
                severity="deduction",
                message_zh=text,
                subject_id=test.test_id,
                evidence=evidence,
            )
        )
    return tuple(found)
