"""Import validation for test consultations: every problem at once, by row, in Chinese.

Columns: test_id, target, target_kind (site/account, blank = site), channel, question,
sent_at, send_succeeded (是/否, yes/no, 1/0; blank = 是), send_failure_reason, answered_at,
answer_text, reply_quality (answered/template or 答复/模板; blank = not judged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from govwatch.engine.interaction.common import (
    RowError,
    RowErrorCollector,
    china_naive,
    parse_timestamp,
)
from govwatch.engine.interaction.consultations import ConsultationTest, ReplyQuality, TargetKind

_ErrorSink = Callable[[str, str], None]

_YES = {"是", "成功", "yes", "y", "true", "1"}
_NO = {"否", "失败", "no", "n", "false", "0"}
_QUALITY: dict[str, ReplyQuality] = {
    "answered": ReplyQuality.ANSWERED,
    "答复": ReplyQuality.ANSWERED,
    "有效答复": ReplyQuality.ANSWERED,
    "template": ReplyQuality.TEMPLATE,
    "模板": ReplyQuality.TEMPLATE,
    "模板化答复": ReplyQuality.TEMPLATE,
}
_KIND: dict[str, TargetKind] = {
    "": TargetKind.SITE,
    "site": TargetKind.SITE,
    "网站": TargetKind.SITE,
    "account": TargetKind.ACCOUNT,
    "账号": TargetKind.ACCOUNT,
}


@dataclass(frozen=True)
class ConsultationImport:
    tests: tuple[ConsultationTest, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(row: Mapping[str, str | None], key: str) -> str:
    return (row.get(key) or "").strip()


def _timestamp(text: str, field: str, err: _ErrorSink) -> dt.datetime | None:
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        err(field, f"时间“{text}”无法识别，应写作 YYYY-MM-DD HH:MM")
        return None


def parse_consultation_rows(
    rows: Iterable[Mapping[str, str | None]], first_row: int = 2
) -> ConsultationImport:
    """Parse and validate; refuse the whole import when ``errors`` is not empty."""
    tests: list[ConsultationTest] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row_no, row in enumerate(rows, start=first_row):
        test_id = _text(row, "test_id")
        err = RowErrorCollector(row_no, test_id)

        for field, what in (
            ("test_id", "测试编号"),
            ("target", "被测网站或账号"),
            ("channel", "渠道"),
        ):
            if not _text(row, field):
                err(field, f"缺少{what}")
        if test_id:
            if test_id in seen:
                err("test_id", f"测试编号与第{seen[test_id]}行重复")
            else:
                seen[test_id] = row_no
        kind = _KIND.get(_text(row, "target_kind").lower())
        if kind is None:
            err("target_kind", f"未知的对象类型“{_text(row, 'target_kind')}”，应为 网站 或 账号")

        sent_text = _text(row, "sent_at")
        sent = _timestamp(sent_text, "sent_at", err)
        if not sent_text:
            err("sent_at", "缺少发送时间")
        answered = _timestamp(_text(row, "answered_at"), "answered_at", err)
        if sent is not None and answered is not None and china_naive(answered) < china_naive(sent):
            err("answered_at", f"答复时间 {answered} 早于发送时间 {sent}")

        flag = _text(row, "send_succeeded").lower()
        succeeded = True if not flag else (True if flag in _YES else False if flag in _NO else None)
        if succeeded is None:
            err("send_succeeded", f"“{flag}”无法识别，应为 是 或 否")
        reason = _text(row, "send_failure_reason")
        if succeeded is False:
            if not reason:
                err("send_failure_reason", "发送失败时须写明原因（如 提交按钮无响应、需实名注册）")
            if answered is not None:
                err("answered_at", "发送失败的测试不应有答复时间")

        quality_text = _text(row, "reply_quality")
        quality = _QUALITY.get(quality_text.lower()) if quality_text else None
        if quality_text and quality is None:
            err("reply_quality", f"未知的答复质量“{quality_text}”，应为 答复 或 模板")
        if quality is not None and answered is None:
            err("reply_quality", "没有答复时间却填写了答复质量")

        if err.errors or sent is None or succeeded is None or kind is None:
            errors.extend(err.errors)
            continue
        tests.append(
            ConsultationTest(
                test_id=test_id,
                target=_text(row, "target"),
                channel=_text(row, "channel"),
                question=_text(row, "question"),
                sent_at=sent,
                send_succeeded=succeeded,
                send_failure_reason=reason,
                answered_at=answered,
                answer_text=_text(row, "answer_text"),
                reply_quality=quality,
                target_kind=kind,
            )
        )
    return ConsultationImport(tuple(tests), tuple(errors))


def validate_consultation_rows(
    rows: Iterable[Mapping[str, str | None]], first_row: int = 2
) -> tuple[RowError, ...]:
    return parse_consultation_rows(rows, first_row).errors
