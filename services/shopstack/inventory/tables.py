"""Inventory tables (names fixed by CONTRACT.md; types portable to SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table

metadata = MetaData()

stock = Table(
    "stock",
    metadata,
    Column("product_id", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Integer, nullable=False),
)

reservations = Table(
    "reservations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("checkout_id", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_reservations_status_expires", "status", "expires_at"),
)

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("reservation_id", String(36), ForeignKey("reservations.id"), primary_key=True),
    Column("product_id", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Integer, nullable=False),
)
