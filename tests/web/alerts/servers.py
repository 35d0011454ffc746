"""Real servers on 127.0.0.1 for the alert tests: an SMTP server (aiosmtpd) that keeps the
mails it receives, and an HTTP receiver that plays the WeCom robot, the DingTalk robot
(checking the signature from the query string with the secret, as DingTalk does) and an
SMS gateway, answering from a script so a test can make it fail first."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Keep:
    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.mails.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1; `mails` are the parsed messages in arrival order."""

    def __init__(self) -> None:
        self.port = free_port()
        self._keep = _Keep()
        self._controller = Controller(self._keep, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def mails(self) -> list[EmailMessage]:
        return self._keep.mails

    def recipients(self) -> list[str]:
        return [to for env in self._keep.envelopes for to in env.rcpt_tos]

    @staticmethod
    def subject(mail: EmailMessage) -> str:
        # A long encoded subject is folded onto a continuation line: unfold it.
        return " ".join(str(mail["Subject"]).split())

    @staticmethod
    def text(mail: EmailMessage) -> str:
        body = mail.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content())


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    """What the receiver saw and how it answers: SCRIPT is popped per request (status,
    JSON answer); when empty it answers like an accepting robot."""

    secret: str = ""
    token: str = ""
    script: list[tuple[int, Any]] = field(default_factory=list)
    seen: list[Request] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _check_dingtalk(receiver: Receiver, query: dict[str, str], body: Any) -> Any:
    """DingTalk's checks: sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")),
    timestamp within an hour; then the message's shape."""
    if receiver.secret:
        stamp, sign = query.get("timestamp", ""), query.get("sign", "")
        digest = hmac.new(
            receiver.secret.encode(), f"{stamp}\n{receiver.secret}".encode(), hashlib.sha256
        ).digest()
        if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3600_000:
            return {"errcode": 310000, "errmsg": "timestamp invalid"}
        if not hmac.compare_digest(base64.b64encode(digest).decode(), sign):
            return {"errcode": 310000, "errmsg": "sign not match"}
    kind = body.get("msgtype")
    if kind == "markdown" and {"title", "text"} <= set(body.get("markdown", {})):
        return None
    if kind == "text" and "content" in body.get("text", {}):
        return None
    return {"errcode": 300001, "errmsg": "bad message"}


def _check_wecom(body: Any) -> Any:
    kind = body.get("msgtype")
    if kind in ("markdown", "text") and isinstance(body.get(kind, {}).get("content"), str):
        return None
    return {"errcode": 40008, "errmsg": "invalid message type"}


def _check_sms(receiver: Receiver, headers: dict[str, str], body: Any) -> Any:
    if receiver.token and headers.get("authorization") != f"Bearer {receiver.token}":
        return {"code": 401, "message": "bad token"}
    if not (isinstance(body.get("phone"), str) and isinstance(body.get("text"), str)):
        return {"code": 400, "message": "phone and text required"}
    return None


class WebhookServer:
    """http.server on 127.0.0.1 (port 0): /wecom, /dingtalk and /sms."""

    def __init__(self, receiver: Receiver | None = None) -> None:
        self.receiver = receiver or Receiver()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                split = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                outer._answer(self, Request(split.path, query, headers, body))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _answer(self, handler: BaseHTTPRequestHandler, request: Request) -> None:
        receiver = self.receiver
        receiver.seen.append(request)
        status, answer = 200, {"errcode": 0, "errmsg": "ok"}
        if receiver.script:
            status, answer = receiver.script.pop(0)
        elif not isinstance(request.body, dict):
            answer = {"errcode": 40001, "errmsg": "not json"}
        else:
            problem = None
            if request.path.startswith("/dingtalk"):
                problem = _check_dingtalk(receiver, request.query, request.body)
            elif request.path.startswith("/wecom"):
                problem = _check_wecom(request.body)
            elif request.path.startswith("/sms"):
                problem = _check_sms(receiver, request.headers, request.body)
                if problem is None:
                    answer = {"code": 0, "message": "accepted"}
            if problem is not None:
                receiver.problems.append(json.dumps(problem, ensure_ascii=False))
                answer = problem
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def __enter__(self) -> WebhookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def bodies(self, path: str) -> list[Any]:
        return [r.body for r in self.receiver.seen if r.path.startswith(path)]
