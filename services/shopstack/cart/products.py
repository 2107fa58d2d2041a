"""Names and prices of products, asked of the catalog and kept (products never change)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from shopstack.downstream import Downstream
from shopstack.errors import service_unavailable
from shopstack.wire import to_decimal


@dataclass(frozen=True)
class ProductInfo:
    id: int
    name: str
    price: Decimal


class ProductLookup(Protocol):
    async def get(self, product_id: int) -> ProductInfo | None: ...


class CatalogProducts:
    def __init__(self, downstream: Downstream, *, max_entries: int = 10_000) -> None:
        self._downstream = downstream
        self._known: dict[int, ProductInfo] = {}
        self._max_entries = max_entries

    async def get(self, product_id: int) -> ProductInfo | None:
        known = self._known.get(product_id)
        if known is not None:
            return known
        response = await self._downstream.call(
            "catalog", "GET", f"/products/{product_id}", idempotent=True
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise service_unavailable("catalog")
        body = response.json()
        info = ProductInfo(id=body["id"], name=body["name"], price=to_decimal(body["price"]))
        if len(self._known) < self._max_entries:
            self._known[product_id] = info
        return info
