"""The catalog's use cases, with the listed-products answer and single products cached.

Products never change once created, so the only invalidation is a new product. A cache fill
only lands if no product was created since the fill's database read began (a version check),
so a listing read before a create can never hide the new product afterwards.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from shopstack.catalog.domain import NewProduct, Product
from shopstack.catalog.repository import ProductRepository
from shopstack.metrics import CACHE


def _dump(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class Catalog:
    def __init__(self, repository: ProductRepository) -> None:
        self.repository = repository
        self._lock = threading.Lock()
        self._version = 0
        self._listing: bytes | None = None
        self._by_id: dict[int, bytes] = {}

    def cached_listing(self) -> bytes | None:
        listing = self._listing
        CACHE.labels("catalog", "hit" if listing is not None else "miss").inc()
        return listing

    def cached_product(self, product_id: int) -> bytes | None:
        return self._by_id.get(product_id)

    def load_listing(self) -> bytes:
        version = self._version
        body = _dump({"products": [p.public() for p in self.repository.listed()]})
        with self._lock:
            if version == self._version:
                self._listing = body
        return body

    def load_product(self, product_id: int) -> bytes | None:
        product = self.repository.get(product_id)
        if product is None:
            return None
        body = _dump(product.public())
        with self._lock:  # products are immutable: an existing one can always be cached
            self._by_id[product_id] = body
        return body

    def create(self, new: NewProduct) -> Product:
        product = self.repository.add(new)
        with self._lock:
            self._version += 1
            self._listing = None
        return product
