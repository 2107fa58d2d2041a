"""The cart's tables: the contract's ``carts`` and ``cart_items``, plus the inbox's
``processed_events`` (:mod:`shopstack.inbox`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
)

from shopstack import inbox

metadata = MetaData()

carts = Table(
    "carts",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("user_id", BigInteger, nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

cart_items = Table(
    "cart_items",
    metadata,
    Column("cart_id", String(24), ForeignKey("carts.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", BigInteger, primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("added_at", DateTime, nullable=False),
)

processed_events = inbox.install(metadata)
