"""The Cart shape of the contract, priced with the catalog's current prices."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from shopstack.cart.domain import Cart
from shopstack.cart.products import ProductInfo, ProductLookup
from shopstack.wire import money, rfc3339

#: Go's zero time, which the plan's empty cart carries as its ``updated_at``.
ZERO_TIME = "0001-01-01T00:00:00Z"


def empty_view(user_id: int) -> dict[str, Any]:
    return {
        "cart_id": "",
        "user_id": user_id,
        "items": [],
        "total_items": 0,
        "total_price": 0,
        "updated_at": ZERO_TIME,
    }


def _amount(value: Decimal) -> float | int:
    return money(value) if value else 0


async def render(cart: Cart | None, user_id: int, products: ProductLookup) -> dict[str, Any]:
    if cart is None:
        return empty_view(user_id)
    infos = await asyncio.gather(*(products.get(line.product_id) for line in cart.lines))
    items = []
    total = Decimal("0")
    for line, info in zip(cart.lines, infos, strict=True):
        info = info or ProductInfo(line.product_id, "unknown product", Decimal("0"))
        subtotal = info.price * line.quantity
        total += subtotal
        items.append(
            {
                "product_id": line.product_id,
                "product_name": info.name,
                "quantity": line.quantity,
                "price": _amount(info.price),
                "subtotal": _amount(subtotal),
            }
        )
    return {
        "cart_id": cart.id,
        "user_id": user_id,
        "items": items,
        "total_items": len(items),
        "total_price": _amount(total),
        "updated_at": rfc3339(cart.updated_at),
    }
