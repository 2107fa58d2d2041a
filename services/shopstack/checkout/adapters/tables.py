"""Checkout tables. ``checkout_sessions`` and ``outbox_events`` columns are fixed by
CONTRACT.md (plus a few of our own); ``events`` is the user-visible event log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

checkout_sessions = Table(
    "checkout_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(63), nullable=False, server_default="default"),
    Column("user_id", BigInteger, nullable=False),
    Column("cart_snapshot", JSON, nullable=False),
    Column("status", String(32), nullable=False),
    # one key, one checkout per person: another user's (or tenant's) key is never a conflict
    Column("idempotency_key", String(255), nullable=False),
    Column("inventory_reservation_id", String(36), nullable=True),
    Column("payment_id", String(36), nullable=True),
    Column("total_amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("failure_reason", String(64), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # ours: what the request was (for idempotency conflicts) and the answer to replay
    Column("request_hash", String(64), nullable=False),
    Column("card_token", String(255), nullable=False),
    Column("result", JSON, nullable=True),
    Column("config_version", Integer, nullable=False, server_default="0"),
    Index("ix_checkout_sessions_status", "status"),
    UniqueConstraint(
        "tenant_id", "user_id", "idempotency_key", name="uq_checkout_sessions_idempotency"
    ),
)

outbox_events = Table(
    "outbox_events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("aggregate_id", String(36), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("processed_at", DateTime, nullable=True),
    Index("ix_outbox_events_processed_at", "processed_at"),
)

#: The event log (CONTRACT.md "Event log as an event engine"): domain events of the saga and
#: client events. ``sequence`` is gapless per (tenant, user, aggregate), which the unique
#: constraint guards; ``tenant_id`` is ``default`` until tenancy arrives.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(63), nullable=False, server_default="default"),
    Column("user_id", BigInteger, nullable=False),
    Column("event_type", String(128), nullable=False),
    Column("aggregate_id", String(128), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_events_user_id", "tenant_id", "user_id", "id"),
    Index("ix_events_type", "tenant_id", "user_id", "event_type", "id"),
    # one aggregate read page by page (WHERE ... aggregate_id, id > after ORDER BY id): the
    # unique constraint below orders by sequence and cannot seek past an id
    Index("ix_events_aggregate", "tenant_id", "user_id", "aggregate_id", "id"),
    UniqueConstraint(
        "tenant_id", "user_id", "aggregate_id", "sequence", name="uq_events_aggregate_sequence"
    ),
)
