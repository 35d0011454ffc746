"""Adapter health: every fetch attempt is a value, and a source that fails makes its
accounts "unknown" — never "not updated" (DESIGN §3: could not fetch ≠ not updated).

The summary says since when the source has been failing (the first failure of the
current run of failures), so a report can say 「自 6月3日起订阅源无法访问」.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeAlias

HealthState: TypeAlias = Literal["ok", "failing", "never_tried"]
AccountState: TypeAlias = Literal["known", "unknown"]

FETCH_ERROR_ZH = {
    "http_status": "服务器返回错误状态码",
    "timeout": "请求超时",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "reset": "连接中断",
    "tls": "TLS 握手失败",
    "malformed": "内容格式错误",
    "unsafe_xml": "内容含不安全的 XML 声明",
    "unsupported_format": "不是可识别的订阅源格式",
    "too_large": "内容过大",
    "private_address": "目标地址为内网地址，已拒绝",
}


@dataclass(frozen=True, slots=True)
class FetchAttempt:
    """One attempt to read a source. ``error`` is a stable code, "" when ``ok``."""

    at: datetime
    ok: bool
    error: str = ""
    status: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class HealthSummary:
    source_id: str
    state: HealthState
    attempts: int
    last_attempt_at: datetime | None
    last_ok_at: datetime | None
    failing_since: datetime | None  # first failure of the current run of failures
    consecutive_failures: int
    last_error: str
    last_status: int | None

    @property
    def account_state(self) -> AccountState:
        """What the source's accounts are: unknown unless the latest attempt succeeded."""
        return "known" if self.state == "ok" else "unknown"

    def describe_zh(self) -> str:
        if self.state == "never_tried":
            return "尚未采集"
        if self.state == "ok":
            return "采集正常"
        assert self.failing_since is not None
        reason = FETCH_ERROR_ZH.get(self.last_error, self.last_error or "未知原因")
        status = f"（HTTP {self.last_status}）" if self.last_status else ""
        since = self.failing_since.strftime("%Y-%m-%d %H:%M")
        return f"自 {since} 起采集失败，已连续失败 {self.consecutive_failures} 次：{reason}{status}"


def summarize(source_id: str, attempts: Iterable[FetchAttempt]) -> HealthSummary:
    """Health of one source from its attempts (any order)."""
    ordered = sorted(attempts, key=lambda a: a.at)
    if not ordered:
        return HealthSummary(source_id, "never_tried", 0, None, None, None, 0, "", None)
    last_ok = max((a.at for a in ordered if a.ok), default=None)
    failures = 0
    for attempt in reversed(ordered):
        if attempt.ok:
            break
        failures += 1
    latest = ordered[-1]
    return HealthSummary(
        source_id=source_id,
        state="ok" if latest.ok else "failing",
        attempts=len(ordered),
        last_attempt_at=latest.at,
        last_ok_at=last_ok,
        failing_since=ordered[-failures].at if failures else None,
        consecutive_failures=failures,
        last_error=latest.error,
        last_status=latest.status,
    )
