"""HTTP clients of the services the saga calls, translating their answers into domain terms.

Unreachable services surface as ``ShopError`` 503 ``<service> service unavailable`` (from
:class:`shopstack.downstream.Downstream`, after its retries). Every call here is safe to
retry: reads, and writes keyed by the checkout id (reserve, charge, confirm, release, void).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shopstack.downstream import Downstream
from shopstack.errors import ShopError
from shopstack.transport import Reply


class InsufficientStockAnswer(Exception):
    """Inventory refused the reservation; ``body`` is its 409 body (CONTRACT.md)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", "insufficient stock"))
        self.body = body


class ReservationGone(Exception):
    """Inventory cannot confirm: the reservation was released or has expired."""


class ProductGone(Exception):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} not found")
        self.product_id = product_id


@dataclass(frozen=True)
class ChargeAnswer:
    status: str
    payment_id: str
    decline_code: str | None = None


def _unexpected(service: str, response: Reply) -> ShopError:
    return ShopError(
        502, "bad_gateway", f"{service} service answered {response.status_code} unexpectedly"
    )


class Services:
    """The saga's view of cart, catalog, inventory and payment."""

    def __init__(self, downstream: Downstream) -> None:
        self.downstream = downstream

    async def _call(self, target: str, method: str, path: str, **kwargs: Any) -> Reply:
        return await self.downstream.call(target, method, path, idempotent=True, **kwargs)

    async def cart(self, user_id: int) -> dict[str, Any]:
        response = await self._call("cart", "GET", "/cart", headers={"X-User-Id": str(user_id)})
        if response.status_code != 200:
            raise _unexpected("cart", response)
        return response.json()

    async def product(self, product_id: int) -> dict[str, Any]:
        response = await self._call("catalog", "GET", f"/products/{product_id}")
        if response.status_code == 404:
            raise ProductGone(product_id)
        if response.status_code != 200:
            raise _unexpected("catalog", response)
        return response.json()

    async def products(self, product_ids: list[int]) -> dict[int, dict[str, Any]]:
        found = await asyncio.gather(*(self.product(pid) for pid in product_ids))
        return dict(zip(product_ids, found, strict=True))

    async def reserve(self, checkout_id: str, lines: list[dict[str, int]]) -> dict[str, Any]:
        body = {"checkout_id": checkout_id, "lines": lines}
        response = await self._call("inventory", "POST", "/reservations", json=body)
        if response.status_code == 409:
            raise InsufficientStockAnswer(response.json())
        if response.status_code not in (200, 201):
            raise _unexpected("inventory", response)
        return response.json()

    async def confirm(self, reservation_id: str) -> None:
        path = f"/reservations/{reservation_id}/confirm"
        response = await self._call("inventory", "POST", path)
        if response.status_code in (404, 409):
            raise ReservationGone(reservation_id)
        if response.status_code != 200:
            raise _unexpected("inventory", response)

    async def release(self, checkout_id: str) -> None:
        body = {"checkout_id": checkout_id}
        response = await self._call(
            "inventory", "POST", "/reservations/release-for-checkout", json=body
        )
        if response.status_code != 200:
            raise _unexpected("inventory", response)

    async def charge(
        self, checkout_id: str, *, amount: Decimal, currency: str, card_token: str
    ) -> ChargeAnswer:
        body = {
            "checkout_id": checkout_id,
            "amount": str(amount),
            "currency": currency,
            "card_token": card_token,
        }
        response = await self._call("payment", "POST", "/charges", json=body)
        if response.status_code != 200:
            raise _unexpected("payment", response)
        data = response.json()
        return ChargeAnswer(data["status"], data["payment_id"], data.get("decline_code"))

    async def find_charge(self, checkout_id: str) -> ChargeAnswer | None:
        response = await self._call("payment", "GET", f"/charges/{checkout_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise _unexpected("payment", response)
        data = response.json()
        return ChargeAnswer(data["status"], data["payment_id"], data.get("decline_code"))

    async def void(self, checkout_id: str) -> ChargeAnswer:
        response = await self._call("payment", "POST", f"/charges/{checkout_id}/void")
        if response.status_code != 200:
            raise _unexpected("payment", response)
        data = response.json()
        return ChargeAnswer(data["status"], data["payment_id"], data.get("decline_code"))
