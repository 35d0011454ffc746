"""Bad import rows are refused all at once, each named by its line and id, in Chinese."""

from __future__ import annotations

from govwatch.engine.interaction.consultation_rows import (
    parse_consultation_rows,
    validate_consultation_rows,
)
from govwatch.engine.interaction.message_rows import parse_message_rows, validate_message_rows
from govwatch.engine.interaction.messages import MessageBox, MessageStatus


def _msg(
    message_id: str, box: str, received: str, answered: str = "", status: str = ""
) -> dict[str, str]:
    return {
        "message_id": message_id,
        "box": box,
        "unit": "市教育局",
        "received_at": received,
        "answered_at": answered,
        "status": status,
    }


def test_message_rows_report_every_error_with_its_line() -> None:
    rows = [
        _msg("2024050001", "市长信箱", "2024-05-06 09:00", "2024-05-07 10:00"),  # line 2: fine
        _msg("2024050001", "mayor_mailbox", "2024-05-08 09:00"),  # line 3: duplicate of line 2
        _msg("2024050002", "部门留言", "2024-05-08 09:00", "2024-05-07 09:00"),  # line 4
        _msg("2024050003", "局长信箱", "2024-05-08 09:00"),  # line 5: unknown box
        _msg("2024050004", "部门留言", "5月8日上午"),  # line 6: unreadable time
        _msg("2024050005", "部门留言", "2024-05-08", status="已办结"),  # line 7: closed, no answer
        _msg("2024050001", "部门留言", "2024-05-08"),  # line 8: same id, other box: allowed
    ]
    errors = validate_message_rows(rows)
    by_line = {(e.row, e.field) for e in errors}
    assert by_line == {
        (3, "message_id"),
        (4, "answered_at"),
        (5, "box"),
        (6, "received_at"),
        (7, "answered_at"),
    }
    text = "\n".join(str(e) for e in errors)
    assert "第3行（2024050001） message_id：信件编号与第2行重复" in text
    assert "早于受理时间" in text
    assert "未知的信箱“局长信箱”" in text
    imported = parse_message_rows(rows)
    assert not imported.ok
    assert [m.message_id for m in imported.messages] == ["2024050001", "2024050001"]
    assert imported.messages[0].status is MessageStatus.CLOSED
    assert imported.messages[1].box is MessageBox.DEPARTMENT_MESSAGE_BOARD


def test_message_status_must_agree_with_answer() -> None:
    errors = validate_message_rows(
        [
            _msg("1", "市长信箱", "2024-05-06", "2024-05-07", status="正在办理"),
            _msg("2", "市长信箱", "2024-05-06", status="搁置"),
            {"message_id": "", "box": "市长信箱", "unit": "", "received_at": ""},
        ],
        first_row=10,
    )
    assert [(e.row, e.field) for e in errors] == [
        (10, "status"),
        (11, "status"),
        (12, "message_id"),
        (12, "unit"),
        (12, "received_at"),
    ]


def _test_row(test_id: str, **fields: str) -> dict[str, str]:
    row = {
        "test_id": test_id,
        "target": "开封市人民政府",
        "channel": "政务咨询",
        "question": "请问公积金怎么提取？",
        "sent_at": "2024-01-08 09:00",
    }
    row.update(fields)
    return row


def test_consultation_rows() -> None:
    rows = [
        _test_row("T1", answered_at="2024-01-08 15:00", reply_quality="答复"),  # line 2: fine
        _test_row("T1"),  # line 3: duplicate
        _test_row("T2", answered_at="2024-01-07 15:00"),  # line 4: before sending
        _test_row("T3", send_succeeded="否"),  # line 5: failure without reason
        _test_row(
            "T4", send_succeeded="否", send_failure_reason="无法提交", answered_at="2024-01-09"
        ),
        _test_row("T5", send_succeeded="也许", reply_quality="很好"),  # line 7: two errors
        _test_row("T6", send_succeeded="否", send_failure_reason="验证码无法加载"),  # fine
        _test_row("T7", target_kind="账号", reply_quality="模板", answered_at="2024-01-08 9:05"),
    ]
    errors = validate_consultation_rows(rows)
    assert [(e.row, e.field) for e in errors] == [
        (3, "test_id"),
        (4, "answered_at"),
        (5, "send_failure_reason"),
        (6, "answered_at"),
        (7, "send_succeeded"),
        (7, "reply_quality"),
    ]
    assert "早于发送时间" in str(errors[1])
    imported = parse_consultation_rows(rows)
    assert [t.test_id for t in imported.tests] == ["T1", "T6", "T7"]
    assert imported.tests[1].send_succeeded is False
    assert imported.tests[2].target_kind.value == "account"
