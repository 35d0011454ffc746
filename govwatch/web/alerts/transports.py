"""The one interface every alert channel sends through, and the channel's transport.

A transport takes an address and a message and says what happened; it never raises for a
delivery problem (a refused connection, an SMTP error, a robot's errcode) and never
retries: retries, backoff and quiet hours are the services' business, recorded on the
delivery. HTTP transports go through the fetch layer's POST (engine/fetch/post.py), so a
robot URL obeys the same address policy as the crawler.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from govwatch.engine.fetch.types import FetchConfig
from govwatch.web.config.engine import fetch_config

# What marks every robot message: DingTalk robots secured by 自定义关键词 accept only
# messages containing one of their keywords, so offices set this one (docs/alerts.md).
SIGNATURE = "政务网站与新媒体监管平台"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # plain text, lines separated by \n
    link: str = ""  # absolute when GOVWATCH_ALERT_BASE_URL is set, else a path


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str = ""  # why it failed (kept as the delivery's last error)


class Transport(Protocol):
    channel: str

    def send(self, address: str, message: Message, *, secret: str = "") -> Outcome: ...


def http_config() -> FetchConfig:
    """The fetch layer's config for alert POSTs: its address policy, a shorter timeout."""
    seconds = float(settings.GOVWATCH_ALERT_TIMEOUT)
    return dataclasses.replace(
        fetch_config(),
        connect_timeout=min(seconds, 10.0),
        read_timeout=seconds,
        total_timeout=seconds,
        retries=0,
    )


def cut_bytes(text: str, limit: int, tail: str = "……") -> str:
    """TEXT cut to LIMIT bytes of UTF-8 without splitting a character (robots count bytes)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(tail.encode("utf-8"))
    return data[:room].decode("utf-8", "ignore") + tail


def markdown(message: Message) -> str:
    """The message as the markdown both robots render (title, body, link, signature)."""
    lines = [f"### {message.subject}", ""]
    lines += [f"> {line}" if line else ">" for line in message.body.splitlines()]
    if message.link:
        lines += ["", f"[在平台查看]({message.link})"]
    lines += ["", f'<font color="comment">{SIGNATURE}</font>']
    return "\n".join(lines)


def transport_for(channel: str) -> Transport:
    """The transport of CHANNEL, built from the settings at the time of sending."""
    if channel == "email":
        from govwatch.web.alerts.transport_email import EmailTransport

        return EmailTransport()
    if channel == "wecom":
        from govwatch.web.alerts.transport_wecom import WeComTransport

        return WeComTransport(http_config())
    if channel == "dingtalk":
        from govwatch.web.alerts.transport_dingtalk import DingTalkTransport

        return DingTalkTransport(http_config())
    if channel == "sms":
        from govwatch.web.alerts.transport_sms import SmsTransport

        return SmsTransport(
            http_config(), settings.GOVWATCH_SMS_GATEWAY_URL, settings.GOVWATCH_SMS_GATEWAY_TOKEN
        )
    raise ValueError(f"未知的提醒渠道：{channel}")
