"""Outgoing email through the configured SMTP server (Python's ``smtplib``, in a worker thread)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import anyio

from backend.lib.settings import MailSettings


class MailNotConfiguredError(RuntimeError):
    """No SMTP server is configured (``MCP_ORCH_SMTP_HOST`` is empty)."""


async def send_mail(settings: MailSettings, *, to: str, subject: str, text: str) -> None:
    """Send one plain-text message; raises on any SMTP or network error (the caller retries)."""
    if not settings.enabled:
        raise MailNotConfiguredError("MCP_ORCH_SMTP_HOST is not set")
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    await anyio.to_thread.run_sync(_send, settings, message)


def _send(settings: MailSettings, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    with smtp:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)
