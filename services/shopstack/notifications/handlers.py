"""Handle ``checkout.completed``: claim the event, send the email once, record the outcome.

The first delivery of an event claims it in the inbox (:func:`shopstack.inbox.claim`) and
writes its ``notifications`` row PENDING in the same transaction. Sending an email cannot be
part of that transaction, so a later delivery of a claimed event reads the row: SENT means
done; FAILED (SMTP was down) or PENDING older than ``STALE_CLAIM`` (the process died while
sending) is taken over and retried; a fresh PENDING row means another delivery of the same
event is sending right now, and the caller is told to come back later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from shopstack import inbox
from shopstack.contracts import CheckoutCompleted
from shopstack.db import write_transaction
from shopstack.notifications.domain import Confirmation, confirmation_for
from shopstack.notifications.tables import notifications
from shopstack.wire import utcnow

STALE_CLAIM = timedelta(seconds=30)


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


def _finish(engine: Engine, row_id: str, *, sent: bool) -> None:
    now = utcnow()
    values = {"status": "SENT", "sent_at": now} if sent else {"status": "FAILED"}
    with write_transaction(engine) as conn:
        conn.execute(
            notifications.update()
            .where(notifications.c.id == row_id)
            .values(**values, updated_at=now)
        )


def handle_completed(
    engine: Engine, event_id: str, event: CheckoutCompleted, send: Callable[[EmailMessage], None]
) -> str:
    """'applied' after sending, 'duplicate' when this event's email was already sent."""
    mail = confirmation_for(event)
    row_id = _lease(engine, event_id, mail)
    if row_id is None:
        return "duplicate"
    try:
        send(mail.to_email())
    except Exception:
        _finish(engine, row_id, sent=False)
        raise
    _finish(engine, row_id, sent=True)
    return "applied"
