"""Inventory domain: reservation lines, statuses, and the shortage a reservation can hit."""

from __future__ import annotations

from dataclasses import dataclass

RESERVED = "RESERVED"
CONFIRMED = "CONFIRMED"
RELEASED = "RELEASED"
EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class ReservationLine:
    product_id: int
    quantity: int


class InsufficientStock(Exception):
    """A line asks for more than is available; nothing was reserved."""

    def __init__(self, product_id: int, available: int, requested: int) -> None:
        super().__init__(f"Requested quantity ({requested}) exceeds available stock ({available})")
        self.product_id = product_id
        self.available = available
        self.requested = requested


class ReservationNotActive(Exception):
    """Confirm asked for a reservation that was already released or expired."""

    def __init__(self, reservation_id: str, status: str) -> None:
        super().__init__(f"reservation {reservation_id} is {status}")
        self.reservation_id = reservation_id
        self.status = status


def merge_lines(lines: list[ReservationLine]) -> list[ReservationLine]:
    """One line per product, sorted by product id (a fixed lock order avoids deadlocks)."""
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.product_id] = totals.get(line.product_id, 0) + line.quantity
    return [ReservationLine(pid, qty) for pid, qty in sorted(totals.items())]
