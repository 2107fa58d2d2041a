"""The transactional outbox: rows written with the state change, read and marked by the relay."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from shopstack.checkout.adapters.tables import outbox_events
from shopstack.db import write_transaction
from shopstack.wire import rfc3339, utcnow


def add(conn: Connection, *, event_type: str, aggregate_id: str, payload: dict[str, Any]) -> str:
    event_id = str(uuid.uuid4())
    conn.execute(
        outbox_events.insert().values(
            id=event_id,
            aggregate_id=aggregate_id,
            event_type=event_type,
            payload=payload,
            created_at=utcnow(),
        )
    )
    return event_id


def pending(engine: Engine, *, limit: int, skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Unprocessed rows, oldest first, in the wire shape consumers receive."""
    skip_ids = list(skip)
    statement = select(outbox_events).where(outbox_events.c.processed_at.is_(None))
    if skip_ids:
        statement = statement.where(outbox_events.c.id.not_in(skip_ids))
    statement = statement.order_by(outbox_events.c.created_at).limit(limit)
    with engine.connect() as conn:
        return [
            {
                "id": row["id"],
                "event_type": row["event_type"],
                "aggregate_id": row["aggregate_id"],
                "payload": row["payload"],
                "created_at": rfc3339(row["created_at"]),
            }
            for row in conn.execute(statement).mappings()
        ]


def mark_processed(engine: Engine, event_id: str) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            outbox_events.update()
            .where(outbox_events.c.id == event_id, outbox_events.c.processed_at.is_(None))
            .values(processed_at=utcnow())
        )
