"""Handle ``checkout.completed``: claim the event, send the email once, record the outcome.

The first delivery of an event claims it in the inbox (:func:`shopstack.inbox.claim`) and
writes its ``notifications`` row PENDING in the same transaction. Sending an email cannot be
part of that transaction, so a later delivery of a claimed event reads the row: SENT means
done; FAILED (SMTP was down) or PENDING older than ``STALE_CLAIM`` (the process died while
sending) is taken over and retried; a fresh PENDING row means another delivery of the same
event is sending right now, and the caller is told to come back later.

Within one delivery a transient SMTP failure (a 4xx such as ``451``, or the server down) is
retried with exponential backoff (:class:`RetryPolicy`); every try adds one to the row's
``attempts`` and a failed one writes its SMTP answer to ``last_error``. A permanent failure
(a 5xx such as ``550``) is not retried: the row is FAILED and the event is done ("failed").
Attempts exhausted: the row is FAILED and :class:`MailUnavailable` tells the relay to deliver
the event again later.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from shopstack import inbox
from shopstack.contracts import CheckoutCompleted
from shopstack.db import write_transaction
from shopstack.notifications.domain import Confirmation, confirmation_for
from shopstack.notifications.mailer import MailRejected, MailUnavailable
from shopstack.notifications.tables import notifications
from shopstack.wire import utcnow

STALE_CLAIM = timedelta(seconds=30)
LAST_ERROR_CHARS = 500


@dataclass(frozen=True)
class RetryPolicy:
    """SMTP tries per delivery, and the pause before the second (doubled after each failure)."""

    attempts: int = 4
    first_backoff_s: float = 0.25

    def backoff_after(self, attempt: int) -> float:
        return self.first_backoff_s * 2 ** (attempt - 1)


DEFAULT_RETRY = RetryPolicy()


class DeliveryInProgress(Exception):
    """Another delivery of this event is sending its email right now."""


def _lease(engine: Engine, event_id: str, mail: Confirmation) -> str | None:
    """The id of the row this call now owns, or None when the email was already sent."""
    now = utcnow()
    with write_transaction(engine) as conn:
        if not inbox.claim(conn, event_id):
            return _take_over(conn, event_id, now)
        row_id = str(uuid.uuid4())
        conn.execute(
            notifications.insert().values(
                id=row_id,
                event_id=event_id,
                tenant_id=mail.tenant_id,
                user_id=mail.user_id,
                recipient=mail.recipient,
                subject=mail.subject,
                status="PENDING",
                updated_at=now,
            )
        )
        return row_id


def _take_over(conn: Connection, event_id: str, now: datetime) -> str | None:
    row = (
        conn.execute(select(notifications).where(notifications.c.event_id == event_id))
        .mappings()
        .one()
    )
    if row["status"] == "SENT":
        return None
    if row["status"] == "PENDING" and row["updated_at"] > now - STALE_CLAIM:
        raise DeliveryInProgress(event_id)
    conn.execute(
        notifications.update()
        .where(notifications.c.id == row["id"])
        .values(status="PENDING", updated_at=now)
    )
    return row["id"]


def _record_try(engine: Engine, row_id: str, *, status: str, error: str | None = None) -> None:
    """One SMTP try is over: count it, and set the row's status (and the failure's answer)."""
    now = utcnow()
    values: dict = {"status": status, "updated_at": now, "attempts": notifications.c.attempts + 1}
    if status == "SENT":
        values["sent_at"] = now
    if error is not None:
        values["last_error"] = error[:LAST_ERROR_CHARS]
    with write_transaction(engine) as conn:
        conn.execute(notifications.update().where(notifications.c.id == row_id).values(**values))


def _send_with_retries(
    engine: Engine,
    row_id: str,
    *,
    send: Callable[[], None],
    retry: RetryPolicy,
    sleep: Callable[[float], None],
) -> str:
    for attempt in range(1, retry.attempts + 1):
        try:
            send()
        except MailRejected as exc:
            _record_try(engine, row_id, status="FAILED", error=str(exc))
            return "failed"
        except MailUnavailable as exc:
            exhausted = attempt == retry.attempts
            _record_try(engine, row_id, status="FAILED" if exhausted else "PENDING", error=str(exc))
            if exhausted:
                raise
            sleep(retry.backoff_after(attempt))
        except Exception as exc:
            _record_try(engine, row_id, status="FAILED", error=f"{type(exc).__name__}: {exc}")
            raise
        else:
            _record_try(engine, row_id, status="SENT")
            return "applied"
    raise AssertionError("unreachable: the last attempt returns or raises")


def handle_completed(
    engine: Engine,
    event_id: str,
    event: CheckoutCompleted,
    send: Callable[[EmailMessage], None],
    *,
    retry: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """'applied' after sending, 'duplicate' when this event's email was already sent, 'failed'
    when the SMTP server refused it for good (MailUnavailable when tries ran out)."""
    mail = confirmation_for(event)
    row_id = _lease(engine, event_id, mail)
    if row_id is None:
        return "duplicate"
    message = mail.to_email()
    return _send_with_retries(engine, row_id, send=lambda: send(message), retry=retry, sleep=sleep)
