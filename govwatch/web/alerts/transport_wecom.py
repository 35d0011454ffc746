"""WeCom (企业微信) group robots: POST {"msgtype": "markdown", ...} to the robot's webhook
(its key is in the URL); the robot accepted the message when it answers errcode 0."""

from __future__ import annotations

from typing import Any

from govwatch.engine.fetch.post import PostResult, post_json
from govwatch.engine.fetch.types import FetchConfig
from govwatch.web.alerts.transports import Message, Outcome, cut_bytes, markdown

# WeCom refuses markdown content above 4096 bytes of UTF-8.
MARKDOWN_LIMIT = 4096


def robot_outcome(result: PostResult) -> Outcome:
    """Both robots answer HTTP 200 with {"errcode": 0, "errmsg": "ok"} when they accept."""
    if result.error is not None:
        return Outcome(False, f"{result.error.value}: {result.detail}"[:500])
    answer: Any = result.json()
    if result.ok and isinstance(answer, dict) and answer.get("errcode") == 0:
        return Outcome(True)
    if isinstance(answer, dict) and "errcode" in answer:
        return Outcome(False, f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:500])
    return Outcome(False, f"HTTP {result.status}: {result.body[:200].decode('utf-8', 'replace')}")


class WeComTransport:
    channel = "wecom"

    def __init__(self, config: FetchConfig) -> None:
        self.config = config

    def payload(self, message: Message) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {"content": cut_bytes(markdown(message), MARKDOWN_LIMIT)},
        }

    def send(self, address: str, message: Message, *, secret: str = "") -> Outcome:
        return robot_outcome(post_json(address, self.payload(message), self.config))
