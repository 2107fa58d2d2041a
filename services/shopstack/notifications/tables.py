"""Notifications table (names fixed by CONTRACT.md) and the inbox's ``processed_events``."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

from shopstack import inbox

metadata = MetaData()

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("tenant_id", String(63), nullable=False, server_default="default"),
    Column("user_id", Integer, nullable=False),
    Column("recipient", String(255), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("status", String(16), nullable=False),  # PENDING, SENT, FAILED
    Column("attempts", Integer, nullable=False, server_default="0"),  # SMTP tries so far
    Column("last_error", String(500), nullable=True),  # the last failed try's SMTP answer
    Column("sent_at", DateTime, nullable=True),
    Column("updated_at", DateTime, nullable=False),
)

processed_events = inbox.install(metadata)
