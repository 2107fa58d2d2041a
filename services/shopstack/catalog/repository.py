"""Products in SQL (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine, RowMapping

from shopstack.catalog.domain import NewProduct, Product
from shopstack.catalog.seed import SeedProduct
from shopstack.catalog.tables import products
from shopstack.db import is_sqlite, write_transaction
from shopstack.wire import utcnow

MAX_ID = 2**31 - 1


def _product(row: RowMapping) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        price=row["price"],
        image_url=row["image_url"],
        created_at=row["created_at"],
        listed=bool(row["listed"]),
    )


class ProductRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def listed(self) -> list[Product]:
        query = select(products).where(products.c.listed.is_(True)).order_by(products.c.id)
        with self.engine.connect() as conn:
            return [_product(row) for row in conn.execute(query).mappings()]

    def get(self, product_id: int) -> Product | None:
        if not 0 < product_id <= MAX_ID:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(products).where(products.c.id == product_id)).mappings()
            found = row.first()
        return _product(found) if found else None

    def add(self, new: NewProduct) -> Product:
        values = {
            "name": new.name,
            "description": new.description,
            "price": new.price,
            "image_url": new.image_url,
            "created_at": utcnow(),
            "listed": new.listed,
        }
        with write_transaction(self.engine) as conn:
            product_id = conn.execute(products.insert().values(**values)).inserted_primary_key[0]
        return Product(id=product_id, **values)

    def seed_if_empty(self, seed: list[SeedProduct]) -> int:
        """Insert the seed products into an empty table; return how many were inserted."""
        now = utcnow()
        rows = [
            {
                "id": item.id,
                "name": item.name,
                "description": item.description,
                "price": item.price,
                "image_url": item.image_url,
                "created_at": now,
                "listed": True,
            }
            for item in seed
        ]
        with write_transaction(self.engine) as conn:
            if conn.execute(select(func.count()).select_from(products)).scalar_one() or not rows:
                return 0
            conn.execute(products.insert(), rows)
            if not is_sqlite(self.engine):  # explicit ids leave the serial sequence behind
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('products', 'id'), "
                        "(SELECT MAX(id) FROM products))"
                    )
                )
        return len(rows)
