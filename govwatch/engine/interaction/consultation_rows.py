"""Test consultations as inspectors log them: the columns, then the checks across them.

Each row names one target: a site by 网站标识码 or 网站名称, or an account by 平台 + 账号名称
(looked up by the web layer). 发送成功 takes 是/否 (blank = 是); 答复质量 takes 答复 or 模板
(blank = not judged).
"""

from __future__ import annotations

from collections.abc import Sequence

from govwatch.engine.interaction.common import china_naive, export_columns, moment
from govwatch.engine.interaction.consultations import ConsultationTest, ReplyQuality, TargetKind
from govwatch.engine.rows import Field, Row, RowErrors, parse_rows
from govwatch.engine.tabular import Sheet

_QUALITY = {"answered": ("答复", "有效答复"), "template": ("模板", "模板化答复")}
TEST_FIELDS = (
    Field("test_id", "测试编号", aliases=("编号",)),
    Field("site_code", "网站标识码", required=False),
    Field("site_name", "网站名称", required=False),
    Field("platform", "平台", required=False),
    Field("account_name", "账号名称", required=False),
    Field("channel", "渠道", aliases=("测试渠道",)),
    Field("question", "咨询问题", required=False, aliases=("咨询内容",)),
    Field("sent_at", "发送时间", "timestamp"),
    Field("send_succeeded", "发送成功", "bool", False, aliases=("是否发送成功",), default=True),
    Field("send_failure_reason", "未成功原因", required=False, aliases=("失败原因",)),
    Field("answered_at", "答复时间", "timestamp", False, aliases=("回复时间",)),
    Field("answer_text", "答复内容", required=False, aliases=("回复内容",)),
    Field("reply_quality", "答复质量", "choice", False, _QUALITY),
)
_TARGETS = {"site_code", "site_name", "account_name"}


def parse_tests(
    sheets: Sequence[Sheet], errors: RowErrors
) -> list[tuple[Row, ConsultationTest | None]]:
    """Every data row with its test, None where the row has an error; ids are file-unique."""
    seen: dict[str, int] = {}
    parsed: list[tuple[Row, ConsultationTest | None]] = []
    for sheet in sheets:
        columns = export_columns(sheet, TEST_FIELDS, errors)
        if columns is not None and not _TARGETS & columns.keys():
            errors.add(sheet.name, 1, "", "缺少列：网站标识码、网站名称或账号名称")
            columns = None
        for row in parse_rows(sheet, TEST_FIELDS, columns, errors) if columns is not None else ():
            test_id = row.text("test_id")
            if test_id in seen:
                errors.at(row, "test_id", f"测试编号 {test_id} 与第{seen[test_id]}行重复")
            elif test_id:
                seen[test_id] = row.number
            test = _test(row, errors)
            parsed.append((row, test if row.ok else None))
    return parsed


def _test(row: Row, errors: RowErrors) -> ConsultationTest | None:
    site = row.text("site_code") or row.text("site_name")
    account = row.text("account_name")
    if site and account:
        errors.at(row, "account_name", "网站和账号只能填写一项")
    elif not site and not account:
        reason = "缺少被测网站或账号（网站标识码、网站名称或平台+账号名称）"
        errors.at(row, "site_name", reason)
    sent, answered = moment(row.values["sent_at"]), moment(row.values["answered_at"])
    if sent and answered and china_naive(answered) < china_naive(sent):
        errors.at(row, "answered_at", f"答复时间 {answered} 早于发送时间 {sent}")
    succeeded = row.values["send_succeeded"]
    if succeeded is False and not row.text("send_failure_reason"):
        errors.at(
            row, "send_failure_reason", "发送失败时须写明原因（如 提交按钮无响应、需实名注册）"
        )
    if succeeded is False and answered is not None:
        errors.at(row, "answered_at", "发送失败的测试不应有答复时间")
    quality = row.text("reply_quality")
    if quality and answered is None:
        errors.at(row, "reply_quality", "没有答复时间却填写了答复质量")
    if not row.ok or sent is None:
        return None
    return ConsultationTest(
        test_id=row.text("test_id"),
        target=site or account,
        channel=row.text("channel"),
        question=row.text("question"),
        sent_at=sent,
        send_succeeded=succeeded is not False,
        send_failure_reason=row.text("send_failure_reason"),
        answered_at=answered,
        answer_text=row.text("answer_text"),
        reply_quality=ReplyQuality(quality) if quality else None,
        target_kind=TargetKind.ACCOUNT if account else TargetKind.SITE,
    )
