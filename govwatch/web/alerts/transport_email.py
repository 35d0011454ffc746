"""E-mail through Django's mail (EMAIL_* settings, from GOVWATCH_EMAIL_* in settings.py)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from govwatch.web.alerts.transports import SIGNATURE, Message, Outcome


class EmailTransport:
    channel = "email"

    def send(self, address: str, message: Message, *, secret: str = "") -> Outcome:
        body = message.body
        if message.link:
            body += f"\n\n在平台查看：{message.link}"
        body += f"\n\n——\n本邮件由{SIGNATURE}自动发送，请勿直接回复。"
        mail = EmailMessage(
            subject=message.subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=get_connection(fail_silently=False),
        )
        try:
            sent = mail.send()
        except (smtplib.SMTPException, OSError, ValueError) as exc:  # timeouts are OSError
            return Outcome(False, f"{type(exc).__name__}: {exc}"[:500])
        return Outcome(True) if sent else Outcome(False, "邮件服务器未接受该邮件")
