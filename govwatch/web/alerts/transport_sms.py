"""SMS through a generic HTTP gateway (the office's own SMS platform, or an adapter in front
of a provider): POST {"phone": ..., "text": ...} to GOVWATCH_SMS_GATEWAY_URL with
"Authorization: Bearer GOVWATCH_SMS_GATEWAY_TOKEN" when a token is set. Any 2xx answer is
taken as accepted, unless it is JSON saying otherwise (a non-zero errcode or code, or
"ok"/"success" false)."""

from __future__ import annotations

from typing import Any

from govwatch.engine.fetch.post import post_json
from govwatch.engine.fetch.types import FetchConfig
from govwatch.web.alerts.transports import Message, Outcome

# Long texts cost several messages each; the link says where the rest is.
TEXT_LIMIT = 300


def _refused(answer: Any) -> str:
    if not isinstance(answer, dict):
        return ""
    for key in ("errcode", "code"):
        if key in answer and answer[key] not in (0, "0", 200, "200", "OK", "ok"):
            return f"{key} {answer[key]}: {answer.get('errmsg') or answer.get('message', '')}"
    for key in ("ok", "success"):
        if answer.get(key) is False:
            return f"{key}=false: {answer.get('message', '')}"
    return ""


class SmsTransport:
    channel = "sms"

    def __init__(self, config: FetchConfig, gateway: str, token: str = "") -> None:
        self.config = config
        self.gateway = gateway
        self.token = token

    def text(self, message: Message) -> str:
        text = message.subject
        if message.link:
            text += f" 详见：{message.link}"
        return text[:TEXT_LIMIT]

    def send(self, address: str, message: Message, *, secret: str = "") -> Outcome:
        if not self.gateway:
            return Outcome(False, "未配置短信网关（GOVWATCH_SMS_GATEWAY_URL）")
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        result = post_json(
            self.gateway,
            {"phone": address, "text": self.text(message)},
            self.config,
            headers=headers,
        )
        if result.error is not None:
            return Outcome(False, f"{result.error.value}: {result.detail}"[:500])
        if not result.ok:
            return Outcome(
                False, f"HTTP {result.status}: {result.body[:200].decode('utf-8', 'replace')}"
            )
        refused = _refused(result.json())
        return Outcome(False, refused[:500]) if refused else Outcome(True)
