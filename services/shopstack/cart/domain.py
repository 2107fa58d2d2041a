"""A user's cart and its rules: quantities 1..99, one line per product, first-added order,
at most ``SHOPSTACK_CART_MAX_LINES`` distinct products (default 100)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from shopstack.errors import ShopError, invalid_product_id, invalid_quantity, not_found
from shopstack.settings import get_settings

MIN_QUANTITY = 1
MAX_QUANTITY = 99
MAX_PRODUCT_ID = 2**63 - 1


def too_many_lines(max_lines: int) -> ShopError:
    return ShopError(
        400,
        "too_many_lines",
        f"a cart holds at most {max_lines} distinct products: remove one before adding another",
        max_lines=max_lines,
    )


def check_quantity(quantity: int) -> None:
    if not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
        raise invalid_quantity()


def check_product_id(product_id: int) -> None:
    if not 0 < product_id <= MAX_PRODUCT_ID:
        raise invalid_product_id()


def new_cart_id() -> str:
    """24 hex characters, like the plan's MongoDB ObjectIds."""
    return secrets.token_hex(12)


@dataclass
class CartLine:
    product_id: int
    quantity: int
    added_at: datetime


@dataclass
class Cart:
    id: str
    user_id: int
    created_at: datetime
    updated_at: datetime
    lines: list[CartLine] = field(default_factory=list)

    def line(self, product_id: int) -> CartLine:
        for line in self.lines:
            if line.product_id == product_id:
                return line
        raise not_found("item not found in cart")

    def has(self, product_id: int) -> bool:
        return any(line.product_id == product_id for line in self.lines)

    def add(
        self, product_id: int, quantity: int, *, now: datetime, max_lines: int | None = None
    ) -> None:
        """Add ``quantity`` of a product; a product already here gets the sum (at most 99).
        A new product needs a free line (``max_lines``, default from the settings)."""
        check_quantity(quantity)
        if self.has(product_id):
            line = self.line(product_id)
            check_quantity(line.quantity + quantity)
            line.quantity += quantity
        else:
            limit = get_settings().cart_max_lines if max_lines is None else max_lines
            if len(self.lines) >= limit:
                raise too_many_lines(limit)
            self.lines.append(CartLine(product_id, quantity, now))
        self.updated_at = now

    def set_quantity(self, product_id: int, quantity: int, *, now: datetime) -> None:
        check_quantity(quantity)
        self.line(product_id).quantity = quantity
        self.updated_at = now

    def remove(self, product_id: int, *, now: datetime) -> None:
        self.lines.remove(self.line(product_id))
        self.updated_at = now


def new_cart(user_id: int, *, now: datetime) -> Cart:
    return Cart(id=new_cart_id(), user_id=user_id, created_at=now, updated_at=now)
