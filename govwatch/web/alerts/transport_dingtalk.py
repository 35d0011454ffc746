"""DingTalk (钉钉) group robots: POST {"msgtype": "markdown", ...} to the webhook; a robot
secured by 加签 needs &timestamp=<ms>&sign=<sign> on the URL, where sign is the URL-encoded
base64 of HMAC-SHA256 keyed by the secret over f"{timestamp}\\n{secret}" (DingTalk's
custom-robot documentation; the timestamp must be within an hour of DingTalk's clock, so
it is signed at each attempt). Accepted when the answer says errcode 0."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote_plus

from govwatch.engine.fetch.post import post_json
from govwatch.engine.fetch.types import FetchConfig
from govwatch.web.alerts.transport_wecom import robot_outcome
from govwatch.web.alerts.transports import Message, Outcome, cut_bytes, markdown

# DingTalk documents no hard markdown limit; long messages are cut where WeCom's are.
MARKDOWN_LIMIT = 4096


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The sign parameter, already URL-encoded."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    stamp = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"


class DingTalkTransport:
    channel = "dingtalk"

    def __init__(self, config: FetchConfig) -> None:
        self.config = config

    def payload(self, message: Message) -> dict[str, Any]:
        return {
            "msgtype": "markdown",
            "markdown": {
                "title": message.subject[:60],
                "text": cut_bytes(markdown(message), MARKDOWN_LIMIT),
            },
        }

    def send(self, address: str, message: Message, *, secret: str = "") -> Outcome:
        url = signed_url(address, secret.strip())
        return robot_outcome(post_json(url, self.payload(message), self.config))
