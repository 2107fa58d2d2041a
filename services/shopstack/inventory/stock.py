"""Stock levels: seeding from the catalogue file, reading and setting one product's stock."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from shopstack.db import write_transaction
from shopstack.inventory.tables import stock


def seed_quantities() -> dict[int, int]:
    """Initial stock per product id from SHOPSTACK_SEED_FILE or the packaged catalogue."""
    override = os.environ.get("SHOPSTACK_SEED_FILE")
    if override:
        raw = Path(override).read_text(encoding="utf-8")
    else:
        raw = resources.files("shopstack").joinpath("seed/catalog.json").read_text("utf-8")
    products = json.loads(raw)["products"]
    return {int(p["id"]): int(p.get("stock", 0)) for p in products}


def seed_if_empty(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        if conn.execute(select(func.count()).select_from(stock)).scalar_one():
            return
        rows = [{"product_id": pid, "quantity": qty} for pid, qty in seed_quantities().items()]
        if rows:
            conn.execute(stock.insert(), rows)


def available(conn: Connection, product_id: int) -> int:
    value = conn.execute(
        select(stock.c.quantity).where(stock.c.product_id == product_id)
    ).scalar_one_or_none()
    return int(value or 0)


def get_quantity(engine: Engine, product_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(
            select(stock.c.quantity).where(stock.c.product_id == product_id)
        ).scalar_one_or_none()


def set_quantity(engine: Engine, product_id: int, quantity: int) -> None:
    """Set the available quantity of a product (insert the row if it is new)."""
    with write_transaction(engine) as conn:
        updated = conn.execute(
            stock.update().where(stock.c.product_id == product_id).values(quantity=quantity)
        ).rowcount
        if not updated:
            conn.execute(stock.insert().values(product_id=product_id, quantity=quantity))
