"""The catalog's table: the contract's ``products`` columns plus ``listed``."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, Numeric, String, Table, Text

metadata = MetaData()

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("price", Numeric(12, 2, asdecimal=True), nullable=False),
    Column("image_url", String(500), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("listed", Boolean, nullable=False, default=True),
)
