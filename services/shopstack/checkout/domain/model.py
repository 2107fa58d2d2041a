"""The checkout session: its statuses, allowed transitions, and the cart it snapshots."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopstack.wire import money, to_decimal

INITIATED = "INITIATED"
INVENTORY_RESERVED = "INVENTORY_RESERVED"
PAYMENT_PENDING = "PAYMENT_PENDING"
PAYMENT_COMPLETED = "PAYMENT_COMPLETED"
COMPLETED = "COMPLETED"
FAILED = "FAILED"

#: States a saga passes through; a session left in one of them is resumed or compensated.
INTERMEDIATE: tuple[str, ...] = (INITIATED, INVENTORY_RESERVED, PAYMENT_PENDING, PAYMENT_COMPLETED)
TERMINAL: tuple[str, ...] = (COMPLETED, FAILED)

ALLOWED: dict[str, tuple[str, ...]] = {
    INITIATED: (INVENTORY_RESERVED, FAILED),
    INVENTORY_RESERVED: (PAYMENT_PENDING, FAILED),
    PAYMENT_PENDING: (PAYMENT_COMPLETED, FAILED),
    PAYMENT_COMPLETED: (COMPLETED, FAILED),
}

# failure_reason values
INSUFFICIENT_STOCK = "insufficient_stock"
PAYMENT_DECLINED = "payment_declined"
PAYMENT_UNAVAILABLE = "payment_unavailable"
INVENTORY_UNAVAILABLE = "inventory_unavailable"
RESERVATION_EXPIRED = "reservation_expired"
INTERRUPTED = "interrupted"  # the process died mid-saga before any charge; compensated


class InvalidTransition(Exception):
    """A status change the saga does not allow, or one another actor already made."""


def check_transition(current: str, new: str) -> None:
    if new not in ALLOWED.get(current, ()):
        raise InvalidTransition(f"{current} -> {new}")


@dataclass(frozen=True)
class CartLine:
    product_id: int
    product_name: str
    quantity: int
    price: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "product_name": self.product_name,
            "quantity": self.quantity,
            "price": money(self.price),
        }


@dataclass(frozen=True)
class CartSnapshot:
    """The cart as it was bought: lines with catalogue prices at checkout time."""

    cart_id: str
    lines: tuple[CartLine, ...]

    @property
    def total(self) -> Decimal:
        return to_decimal(sum((line.price * line.quantity for line in self.lines), Decimal(0)))

    def as_json(self) -> dict[str, Any]:
        return {
            "cart_id": self.cart_id,
            "items": [line.as_json() for line in self.lines],
            "total_price": money(self.total),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CartSnapshot:
        lines = tuple(
            CartLine(
                int(item["product_id"]),
                item.get("product_name", ""),
                int(item["quantity"]),
                to_decimal(item["price"]),
            )
            for item in data.get("items", [])
        )
        return cls(data.get("cart_id", ""), lines)


def content_fingerprint(quantities: dict[int, int]) -> str:
    """What a cart holds (product -> quantity), independent of order and prices."""
    canonical = ";".join(f"{pid}x{qty}" for pid, qty in sorted(quantities.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()
