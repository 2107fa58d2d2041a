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
    UniqueConstraint,
)

from shopstack import inbox

metadata = MetaData()

carts = Table(
    "carts",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("tenant_id", String(63), nullable=False, server_default="default"),
    Column("user_id", BigInteger, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("tenant_id", "user_id", name="uq_carts_tenant_user"),  # one cart a person
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
