"""The event log in SQL: append within the unit of work's transaction, query a user's events.

Each event gets the next ``sequence`` of its aggregate. Appends to one aggregate are
serialised for the length of the transaction: on SQLite by the write lock a writing unit of
work takes up front (``BEGIN IMMEDIATE``), on PostgreSQL by a transaction-scoped advisory lock
per aggregate, taken in sorted order so that two batches never wait on each other in a cycle.
The unique constraint on (tenant, user, aggregate, sequence) is the last line of defence.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from shopstack.checkout.adapters.tables import events
from shopstack.checkout.domain.client_events import SequenceConflict
from shopstack.contracts import EventPayload
from shopstack.wire import rfc3339, utcnow

DEFAULT_TENANT = "default"
AggregateKey = tuple[str, int, str]


def event_body(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["event_type"],
        "event_type": row["event_type"],
        "aggregate_id": row["aggregate_id"],
        "sequence": row["sequence"],
        "payload": row["payload"],
        "user_id": row["user_id"],
        "tenant_id": row["tenant_id"],
        "created_at": rfc3339(row["created_at"]),
    }


class SqlEventLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._current: dict[AggregateKey, int] = {}  # sequences read under this transaction's lock

    def append(
        self,
        *,
        user_id: int,
        aggregate_id: str,
        payload: EventPayload,
        tenant_id: str = DEFAULT_TENANT,
    ) -> dict[str, Any]:
        """Log a domain event of the platform."""
        return self.append_new(
            user_id=user_id,
            tenant_id=tenant_id,
            aggregate_id=aggregate_id,
            event_type=payload.EVENT_TYPE,
            payload=payload.as_json(),
        )

    def lock_aggregates(self, keys: Iterable[AggregateKey]) -> None:
        """Hold the aggregates' append locks until the transaction ends (PostgreSQL)."""
        if self.conn.dialect.name != "postgresql":
            return
        for tenant_id, user_id, aggregate_id in sorted(set(keys)):
            self.conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": f"events:{tenant_id}:{user_id}:{aggregate_id}"},
            )

    def _current_sequence(self, key: AggregateKey) -> int:
        if key not in self._current:
            self.lock_aggregates([key])
            tenant_id, user_id, aggregate_id = key
            statement = select(func.coalesce(func.max(events.c.sequence), 0)).where(
                events.c.tenant_id == tenant_id,
                events.c.user_id == user_id,
                events.c.aggregate_id == aggregate_id,
            )
            self._current[key] = self.conn.execute(statement).scalar_one()
        return self._current[key]

    def append_new(  # noqa: PLR0913 - keyword-only, one per column
        self,
        *,
        user_id: int,
        aggregate_id: str,
        event_type: str,
        payload: dict[str, Any],
        tenant_id: str = DEFAULT_TENANT,
        expected_sequence: int | None = None,
    ) -> dict[str, Any]:
        """Append with the aggregate's next sequence; SequenceConflict if it is not expected."""
        key = (tenant_id, user_id, aggregate_id)
        current = self._current_sequence(key)
        if expected_sequence is not None and expected_sequence != current + 1:
            raise SequenceConflict(aggregate_id, expected=expected_sequence, current=current)
        row = {
            "tenant_id": tenant_id,
            "user_id": user_id,
            "event_type": event_type,
            "aggregate_id": aggregate_id,
            "sequence": current + 1,
            "payload": payload,
            "created_at": utcnow(),
        }
        try:
            event_id = self.conn.execute(events.insert().values(**row)).inserted_primary_key[0]
        except IntegrityError as exc:  # another writer took the sequence despite the lock
            raise SequenceConflict(aggregate_id, expected=current + 1, current=current) from exc
        self._current[key] = current + 1
        return event_body({**row, "id": event_id})

    def query(  # noqa: PLR0913 - keyword-only filters
        self,
        user_id: int,
        *,
        event_type: str | None = None,
        aggregate_id: str | None = None,
        after_id: int = 0,
        limit: int = 100,
        tenant_id: str = DEFAULT_TENANT,
    ) -> list[dict[str, Any]]:
        """A user's events in the order they happened, after ``after_id``, at most ``limit``."""
        statement = select(events).where(
            events.c.tenant_id == tenant_id, events.c.user_id == user_id, events.c.id > after_id
        )
        if event_type:
            statement = statement.where(events.c.event_type == event_type)
        if aggregate_id:
            statement = statement.where(events.c.aggregate_id == aggregate_id)
        rows = self.conn.execute(statement.order_by(events.c.id).limit(limit)).mappings()
        return [event_body(row) for row in rows]
