"""Headers of office-style interaction files, and this app's database snapshot."""

from __future__ import annotations

from govwatch.web.interaction.models import CitizenMessage, ConsultationTest
from tests.helpers import rows_snapshot

MESSAGE_HEADERS = ["信件编号", "信箱", "承办单位", "受理时间", "答复时间", "办理状态"]
TEST_HEADERS = [
    "测试编号", "网站标识码", "网站名称", "平台", "账号名称", "渠道", "咨询问题", "发送时间",
    "发送成功", "未成功原因", "答复时间", "答复内容", "答复质量",
]  # fmt: skip


def snapshot() -> dict[str, list[tuple[tuple[str, str], ...]]]:
    return rows_snapshot(CitizenMessage, ConsultationTest)
