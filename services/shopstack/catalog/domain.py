"""What a product is, independent of storage and HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shopstack.wire import money, rfc3339


@dataclass(frozen=True)
class Product:
    id: int
    name: str
    description: str
    price: Decimal
    image_url: str
    created_at: datetime
    listed: bool

    def public(self) -> dict[str, Any]:
        """The contract's Product shape (``listed`` is internal)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "price": money(self.price),
            "image_url": self.image_url,
            "created_at": rfc3339(self.created_at),
        }


@dataclass(frozen=True)
class NewProduct:
    name: str
    price: Decimal
    description: str = ""
    image_url: str = ""
    listed: bool = False
