"""The transactional outbox: rows written in the unit of work with the state change
(:class:`SqlOutbox`), read and marked by the relay (:func:`pending`, :func:`mark_processed`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from shopstack.checkout.adapters.tables import outbox_events
from shopstack.contracts import Delivery, EventPayload
from shopstack.db import write_transaction
from shopstack.wire import rfc3339, utcnow


class SqlOutbox:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, *, aggregate_id: str, payload: EventPayload) -> str:
        event_id = str(uuid.uuid4())
        self.conn.execute(
            outbox_events.insert().values(
                id=event_id,
                aggregate_id=aggregate_id,
                event_type=payload.EVENT_TYPE,
                payload=payload.as_json(),
                created_at=utcnow(),
            )
        )
        return event_id


def pending(engine: Engine, *, limit: int, skip: Iterable[str] = ()) -> list[Delivery]:
    """Unprocessed rows, oldest first, as the deliveries consumers receive."""
    skip_ids = list(skip)
    statement = select(outbox_events).where(outbox_events.c.processed_at.is_(None))
    if skip_ids:
        statement = statement.where(outbox_events.c.id.not_in(skip_ids))
    statement = statement.order_by(outbox_events.c.created_at).limit(limit)
    with engine.connect() as conn:
        return [
            Delivery(
                id=row["id"],
                event_type=row["event_type"],
                aggregate_id=row["aggregate_id"],
                payload=row["payload"],
                created_at=rfc3339(row["created_at"]),
            )
            for row in conn.execute(statement).mappings()
        ]


def mark_processed(engine: Engine, event_id: str) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            outbox_events.update()
            .where(outbox_events.c.id == event_id, outbox_events.c.processed_at.is_(None))
            .values(processed_at=utcnow())
        )
