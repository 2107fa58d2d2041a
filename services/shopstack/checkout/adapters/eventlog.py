"""The event log in SQL: append within the unit of work's transaction, query a user's events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from shopstack.checkout.adapters.tables import events
from shopstack.contracts import EventPayload
from shopstack.wire import rfc3339, utcnow


def event_body(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "event_type": row["event_type"],
        "aggregate_id": row["aggregate_id"],
        "payload": row["payload"],
        "created_at": rfc3339(row["created_at"]),
    }


class SqlEventLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def append(self, *, user_id: int, aggregate_id: str, payload: EventPayload) -> dict[str, Any]:
        row = {
            "user_id": user_id,
            "event_type": payload.EVENT_TYPE,
            "aggregate_id": aggregate_id,
            "payload": payload.as_json(),
            "created_at": utcnow(),
        }
        event_id = self.conn.execute(events.insert().values(**row)).inserted_primary_key[0]
        return event_body({**row, "id": event_id})

    def query(
        self,
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
        rows = self.conn.execute(statement.order_by(events.c.id).limit(limit)).mappings()
        return [event_body(row) for row in rows]
