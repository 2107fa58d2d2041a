"""The consumer's inbox: which delivered events a service has already handled.

Every consumer of the outbox (cart, orders, notifications) keeps the table
``processed_events(event_id, processed_at)`` in its own database: :func:`install` adds it to
the service's metadata. :func:`claim` answers "already handled?" inside the caller's
transaction: it records the event id and says whether this call was the first. Claim and
effect commit together, so a redelivered event (the relay delivers at least once) has one
effect, and a rolled-back effect leaves the event unclaimed for the next delivery.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from shopstack.wire import utcnow

_metadata = MetaData()

processed_events = Table(
    "processed_events",
    _metadata,
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", DateTime, nullable=False),
)


def install(metadata: MetaData) -> Table:
    """Add ``processed_events`` to a service's metadata (created with its other tables)."""
    return processed_events.to_metadata(metadata)


def claim(conn: Connection, event_id: str) -> bool:
    """Record ``event_id`` as handled in the caller's transaction; False when it already was.

    One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (a row back means claimed): on
    PostgreSQL a concurrent claim of the same id waits for the first transaction and then
    finds it taken; on SQLite write transactions
    already run one at a time (:func:`shopstack.db.write_transaction`).
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(processed_events)
        .values(event_id=event_id, processed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(processed_events.c.event_id)
    )
    return conn.execute(statement).first() is not None
