"""Payment tables (names fixed by CONTRACT.md). One row per checkout: UNIQUE checkout_id."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, Numeric, String, Table

metadata = MetaData()

payments = Table(
    "payments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("checkout_id", String(64), nullable=False, unique=True),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("card_token", String(255), nullable=False),
    Column("decline_code", String(64), nullable=True),
    Column("created_at", DateTime, nullable=False),
)
