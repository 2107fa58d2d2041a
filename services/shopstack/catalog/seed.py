"""The seed catalogue that the catalog service loads into an empty ``products`` table.

``SHOPSTACK_SEED_FILE`` points at another JSON file of the same shape as ``seed/catalog.json``,
so that tests can start a platform with scarce or different products.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shopstack.wire import to_decimal

DEFAULT_SEED_FILE = Path(__file__).parent.parent / "seed" / "catalog.json"


@dataclass(frozen=True)
class SeedProduct:
    id: int
    name: str
    description: str
    price: Decimal
    image_url: str
    stock: int


def seed_file() -> Path:
    return Path(os.environ.get("SHOPSTACK_SEED_FILE") or DEFAULT_SEED_FILE)


def load_seed_products(path: Path | None = None) -> list[SeedProduct]:
    raw = json.loads((path or seed_file()).read_text())
    return [
        SeedProduct(
            id=int(item["id"]),
            name=str(item["name"]),
            description=str(item.get("description", "")),
            price=to_decimal(item["price"]),
            image_url=str(item.get("image_url", "")),
            stock=int(item.get("stock", 0)),
        )
        for item in raw["products"]
    ]
