"""Sending mail over SMTP (blocking; callers run it in a worker thread).

A failure is either transient (:class:`MailUnavailable`: the server is down, or answered a 4xx
such as ``451``; trying again later may work) or permanent (:class:`MailRejected`: a 5xx such
as ``550``; the same message will be refused again). Both carry the server's answer, one line.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage


class MailUnavailable(Exception):
    """The SMTP server could not take the message; the caller may try again later."""


class MailRejected(MailUnavailable):
    """The SMTP server refused the message for good (5xx); trying again cannot help."""


def _code_of(exc: smtplib.SMTPException) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return min(code for code, _ in exc.recipients.values())
    return getattr(exc, "smtp_code", None)


def _answer_of(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    else:
        code, text = getattr(exc, "smtp_code", None), getattr(exc, "smtp_error", exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}" if code else str(text)


def send(message: EmailMessage, *, host: str, port: int, timeout_s: float = 5.0) -> None:
    try:
        with smtplib.SMTP(host, port, timeout=timeout_s) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPException as exc:
        code = _code_of(exc)
        problem = f"SMTP {host}:{port}: {_answer_of(exc)}"
        if code is not None and 500 <= code <= 599:
            raise MailRejected(problem) from exc
        raise MailUnavailable(problem) from exc
    except OSError as exc:
        raise MailUnavailable(f"SMTP {host}:{port}: {exc}") from exc
