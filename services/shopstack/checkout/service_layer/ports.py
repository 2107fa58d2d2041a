"""What the checkout's service layer needs from the other services (adapters/clients.py
implements it over HTTP; tests use an in-memory fake).

Every method translates the remote answer into domain terms: a service that cannot be reached
raises :class:`~shopstack.checkout.domain.errors.DownstreamUnavailable`, an answer without a
rule :class:`~shopstack.checkout.domain.errors.UnexpectedAnswer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

CAPTURED = "CAPTURED"
DECLINED = "DECLINED"
RESERVED = "RESERVED"


@dataclass(frozen=True)
class Charge:
    status: str  # CAPTURED, DECLINED, VOIDED, REFUNDED
    payment_id: str
    decline_code: str | None = None


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    status: str  # RESERVED, or RELEASED when the checkout was compensated first (a tombstone)


class Services(Protocol):
    async def cart(self, user_id: int, *, tenant_id: str) -> dict[str, Any]:
        """The user's cart (in their tenant) as the cart service shows it."""

    async def products(self, product_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Catalogue entries by id; ProductUnavailable for one that is gone."""

    async def reserve(
        self, checkout_id: str, lines: list[dict[str, int]], *, config_version: int = 0
    ) -> Reservation:
        """All-or-nothing reservation (its TTL from ``config_version``); InsufficientStock when
        a line cannot be served."""

    async def confirm(self, reservation_id: str) -> None:
        """Make the reservation permanent; ReservationGone when it was released or expired."""

    async def release(self, checkout_id: str) -> None:
        """Give back whatever the checkout holds (idempotent)."""

    async def charge(
        self,
        checkout_id: str,
        *,
        amount: Decimal,
        currency: str,
        card_token: str,
        config_version: int = 0,
    ) -> Charge:
        """Charge once per checkout under the settings of ``config_version``; PaymentDeclined
        when the card is refused."""

    async def find_charge(self, checkout_id: str) -> Charge | None:
        """The checkout's charge, None when none was made."""

    async def void(self, checkout_id: str) -> Charge:
        """Make sure no charge stands for the checkout (refund or refuse a late one)."""
