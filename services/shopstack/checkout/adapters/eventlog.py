"""The event log: append within a transaction, query a user's events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from shopstack.checkout.adapters.tables import events
from shopstack.wire import rfc3339, utcnow


def append(
    conn: Connection, *, user_id: int, event_type: str, aggregate_id: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Insert one event in the caller's transaction; its wire shape (with its id)."""
    now = utcnow()
    row = {
        "user_id": user_id,
        "event_type": event_type,
        "aggregate_id": aggregate_id,
        "payload": payload,
        "created_at": now,
    }
    event_id = conn.execute(events.insert().values(**row)).inserted_primary_key[0]
    return event_body({**row, "id": event_id})


def event_body(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "event_type": row["event_type"],
        "aggregate_id": row["aggregate_id"],
        "payload": row["payload"],
        "created_at": rfc3339(row["created_at"]),
    }


def query(
    engine: Engine,
    user_id: int,
    *,
    event_type: str | None = None,
    aggregate_id: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """A user's events in the order they happened, after ``after_id``, at most ``limit``."""
    statement = select(events).where(events.c.user_id == user_id, events.c.id > after_id)
    if event_type:
        statement = statement.where(events.c.event_type == event_type)
    if aggregate_id:
        statement = statement.where(events.c.aggregate_id == aggregate_id)
    with engine.connect() as conn:
        rows = conn.execute(statement.order_by(events.c.id).limit(limit)).mappings()
        return [event_body(row) for row in rows]
