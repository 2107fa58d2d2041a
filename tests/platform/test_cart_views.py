"""Unit tests of the Cart shape: money in Decimal, the exact empty cart."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from decimal import Decimal

from shopstack.cart.domain import new_cart
from shopstack.cart.products import ProductInfo
from shopstack.cart.views import empty_view, render

SEED = {
    1: ProductInfo(1, "Laptop", Decimal("1299.99")),
    2: ProductInfo(2, "Mouse", Decimal("29.99")),
}


class FakeProducts:
    async def get(self, product_id):
        return SEED.get(product_id)


def _render(cart, user_id=1):
    return asyncio.run(render(cart, user_id, FakeProducts()))


def test_empty_cart_has_the_plan_exact_shape():
    text = json.dumps(empty_view(1), separators=(",", ":"))
    assert text == (
        '{"cart_id":"","user_id":1,"items":[],"total_items":0,"total_price":0,'
        '"updated_at":"0001-01-01T00:00:00Z"}'
    )
    assert _render(None, 7)["user_id"] == 7


def test_totals_are_exact_two_decimal_numbers():
    now = datetime(2026, 2, 3, 10, 30)
    cart = new_cart(1, now=now)
    cart.add(1, 2, now=now)
    cart.add(2, 3, now=now)
    view = _render(cart)
    assert [item["subtotal"] for item in view["items"]] == [2599.98, 89.97]
    assert view["total_price"] == 2689.95
    assert json.dumps(view["total_price"]) == "2689.95"
    assert view["total_items"] == 2
    assert view["updated_at"] == "2026-02-03T10:30:00.000Z"


def test_many_lines_sum_without_float_drift():
    now = datetime(2026, 2, 3)
    cart = new_cart(1, now=now)
    cart.add(2, 99, now=now)
    assert json.dumps(_render(cart)["total_price"]) == "2969.01"
