"""Bad import rows are refused all at once, each named by its line and column, in Chinese."""

from __future__ import annotations

from govwatch.engine.interaction.consultation_rows import parse_tests
from govwatch.engine.interaction.message_rows import parse_messages
from govwatch.engine.interaction.messages import MessageBox, MessageStatus
from govwatch.engine.rows import RowErrors
from govwatch.engine.tabular import Sheet, dict_sheet


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


def _where(errors: RowErrors) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in errors.in_order()]


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
    errors = RowErrors()
    parsed = parse_messages([dict_sheet("信件", rows)], errors)
    assert set(_where(errors)) == {
        (3, "信件编号"),
        (4, "答复时间"),
        (5, "信箱"),
        (6, "受理时间"),
        (7, "答复时间"),
    }
    text = "\n".join(errors.lines())
    assert "「信件」第3行「信件编号」列：市长信箱信件编号 2024050001 与第2行重复" in text
    assert "早于受理时间" in text
    assert "无法识别的取值「局长信箱」" in text
    messages = [m for _, m in parsed if m is not None]
    assert [m.message_id for m in messages] == ["2024050001", "2024050001"]
    assert messages[0].status is MessageStatus.CLOSED
    assert messages[1].box is MessageBox.DEPARTMENT_MESSAGE_BOARD


def test_message_status_must_agree_with_answer() -> None:
    rows = [
        _msg("1", "市长信箱", "2024-05-06", "2024-05-07", status="正在办理"),
        _msg("2", "市长信箱", "2024-05-06", status="搁置"),
        {"message_id": "", "box": "市长信箱", "unit": "", "received_at": ""},
    ]
    sheet = Sheet("信件", tuple(rows[0]), tuple(enumerate(rows, start=10)))
    errors = RowErrors()
    parse_messages([sheet], errors)
    assert _where(errors) == [
        (10, "办理状态"),
        (11, "办理状态"),
        (12, "信件编号"),
        (12, "承办单位"),
        (12, "受理时间"),
    ]


def test_missing_columns_are_named_together() -> None:
    errors = RowErrors()
    parse_messages([dict_sheet("信件", [{"信件编号": "1", "信箱": "市长信箱"}])], errors)
    assert errors.lines()[0].startswith("「信件」第1行：缺少列：承办单位、受理时间")


def _test_row(test_id: str, **fields: str) -> dict[str, str]:
    row = {
        "test_id": test_id,
        "site_name": "开封市人民政府",
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
        _test_row(
            "T7",
            site_name="",
            platform="抖音",
            account_name="开封发布",
            reply_quality="模板",
            answered_at="2024-01-08 9:05",
        ),
        _test_row("T8", site_name=""),  # line 10: no target
        _test_row("T9", account_name="开封发布"),  # line 11: two targets
    ]
    errors = RowErrors()
    parsed = parse_tests([dict_sheet("测试", rows)], errors)
    assert _where(errors) == [
        (3, "测试编号"),
        (4, "答复时间"),
        (5, "未成功原因"),
        (6, "答复时间"),
        (7, "发送成功"),
        (7, "答复质量"),
        (10, "网站名称"),
        (11, "账号名称"),
    ]
    assert "早于发送时间" in errors.lines()[1]
    tests = [t for _, t in parsed if t is not None]
    assert [t.test_id for t in tests] == ["T1", "T6", "T7"]
    assert tests[1].send_succeeded is False
    assert tests[2].target_kind.value == "account" and tests[2].target == "开封发布"
