"""Sending mail over SMTP (blocking; callers run it in a worker thread)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage


class MailUnavailable(Exception):
    """The SMTP server could not take the message; the caller may try again later."""


def send(message: EmailMessage, *, host: str, port: int, timeout_s: float = 5.0) -> None:
    try:
        with smtplib.SMTP(host, port, timeout=timeout_s) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(f"SMTP {host}:{port}: {exc}") from exc
