from __future__ import annotations

import datetime as dt

from govwatch.engine.interaction.consultations import (
    ConsultationTest,
    ReplyQuality,
    summarize_consultations,
    tiered_profile,
)
from govwatch.engine.interaction.indicators import (
    add_months,
    find_consultation_failures,
    find_late_message_replies,
    find_messages_unanswered_over_months,
)
from govwatch.engine.interaction.messages import CitizenMessage, MessageBox, MessageStatus

T = dt.datetime
BOX = MessageBox.DEPARTMENT_MESSAGE_BOARD


def _m(mid: str, received: T, answered: T | None = None, **kw: object) -> CitizenMessage:
    status = MessageStatus.CLOSED if answered else MessageStatus.IN_PROGRESS
    return CitizenMessage(
        message_id=mid,
        box=kw.get("box", BOX),  # type: ignore[arg-type]
        unit="市水利局",
        received_at=received,
        answered_at=answered,
        status=kw.get("status", status),  # type: ignore[arg-type]
    )


def test_add_months_clamps() -> None:
    assert add_months(T(2024, 1, 31, 9), 1) == T(2024, 2, 29, 9)
    assert add_months(T(2024, 11, 30), 3) == T(2025, 2, 28)
    assert add_months(T(2024, 3, 15), -12) == T(2023, 3, 15)


def test_int001_unanswered_over_three_months_within_a_year() -> None:
    messages = [
        _m("open-old", T(2024, 4, 25, 10)),  # open, 3 months passed on 7-25
        _m("open-new", T(2024, 5, 20, 10)),  # open, not yet 3 months
        _m("late", T(2024, 1, 10, 9), T(2024, 5, 20, 9)),  # answered after 4 months
        _m("fine", T(2024, 1, 10, 9), T(2024, 2, 20, 9)),
        _m("too-old", T(2023, 6, 1, 9)),  # outside the one-year lookback
        _m("invalid", T(2024, 2, 1, 9), status=MessageStatus.INVALID),
        _m("error-report", T(2024, 2, 1, 9), box=MessageBox.WEBSITE_ERROR_REPORT),
    ]
    found = find_messages_unanswered_over_months(messages, T(2024, 8, 1, 12))
    assert [f.subject_id for f in found] == ["open-old", "late"]
    assert {f.code for f in found} == {"INT001"} and found[0].severity == "veto"
    assert "超过3个月未答复" in found[0].message_zh and "仍未答复" in found[0].message_zh
    assert "才答复" in found[1].message_zh


def test_int002_late_replies_by_working_days() -> None:
    messages = [
        _m("on-time", T(2024, 6, 7, 9), T(2024, 6, 17, 9)),  # 5th working day after 端午
        _m("late", T(2024, 6, 7, 9), T(2024, 6, 18, 9)),
        _m("open-overdue", T(2024, 6, 3, 9)),
        _m("open-in-time", T(2024, 6, 26, 9)),
    ]
    found = find_late_message_replies(messages, T(2024, 6, 30, 23), limit_working_days=5)
    assert [f.subject_id for f in found] == ["late", "open-overdue"]
    assert all(f.code == "INT003" and f.severity == "deduction" for f in found)
    assert "应于 2024-06-17 前答复" in found[0].message_zh


def test_int002_from_a_consultation_summary() -> None:
    def test(tid: str, **kw: object) -> ConsultationTest:
        return ConsultationTest(tid, f"{tid}网站", "留言", "问", T(2024, 2, 2, 9), **kw)  # type: ignore[arg-type]

    summary = summarize_consultations(
        [
            test("ok", answered_at=T(2024, 2, 4, 9)),
            test("slow", answered_at=T(2024, 2, 8, 9)),
            test("none"),
            test("tmpl", answered_at=T(2024, 2, 2, 9, 5), reply_quality=ReplyQuality.TEMPLATE),
            test("down", send_succeeded=False, send_failure_reason="提交按钮无响应"),
        ],
        tiered_profile(1, 5),
    )
    found = {f.subject_id: f for f in find_consultation_failures(summary)}
    assert {k: (f.code, f.slug) for k, f in found.items()} == {
        "slow": ("INT002", "consultation_late_reply"),
        "none": ("INT002", "consultation_no_reply"),
        "tmpl": ("INT002", "consultation_no_reply"),
        "down": ("INT002", "consultation_channel_unavailable"),
    }
    assert "模板化答复" in found["tmpl"].message_zh
    assert "提交按钮无响应" in found["down"].message_zh
    assert "第5个工作日" in found["slow"].message_zh
