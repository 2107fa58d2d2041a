"""Orders tables (names fixed by CONTRACT.md), plus the inbox's ``processed_events``."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, Numeric, String, Table

from shopstack import inbox

metadata = MetaData()

orders = Table(
    "orders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("checkout_id", String(64), nullable=False, unique=True),
    Column("tenant_id", String(63), nullable=False, server_default="default"),
    Column("user_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("total_amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("items", JSON, nullable=False),
    Column("payment_id", String(36), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Index("ix_orders_user_created", "tenant_id", "user_id", "created_at"),
)

processed_events = inbox.install(metadata)
