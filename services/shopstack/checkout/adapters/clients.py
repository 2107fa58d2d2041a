"""HTTP clients of the services the saga calls, translating their answers into domain terms
(:class:`~shopstack.checkout.service_layer.ports.Services`).

An unreachable service (``ShopError`` 503 from :class:`shopstack.downstream.Downstream`, after
its retries) becomes :class:`DownstreamUnavailable`; an answer without a rule here,
:class:`UnexpectedAnswer`. Every call is safe to retry: reads, and writes keyed by the checkout
id (reserve, charge, confirm, release, void).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from shopstack.checkout.domain.errors import (
    DownstreamUnavailable,
    InsufficientStock,
    PaymentDeclined,
    ProductUnavailable,
    ReservationGone,
    UnexpectedAnswer,
)
from shopstack.checkout.service_layer.ports import CAPTURED, Charge, Reservation
from shopstack.downstream import Downstream
from shopstack.errors import ShopError
from shopstack.runtime_config.watcher import RuntimeConfig
from shopstack.transport import Reply


def _charge(data: dict[str, Any]) -> Charge:
    return Charge(data["status"], data["payment_id"], data.get("decline_code"))


def _insufficient(body: dict[str, Any]) -> InsufficientStock:
    return InsufficientStock(
        product_id=body["product_id"],
        available=body["available"],
        requested=body["requested"],
        message=body.get("message", "insufficient stock"),
    )


class HttpServices:
    """The saga's view of cart, catalog, inventory and payment."""

    def __init__(self, downstream: Downstream, *, config: RuntimeConfig | None = None) -> None:
        self.downstream = downstream
        self.config = config

    def _charge_timeout(self, config_version: int) -> float | None:
        """The usual timeout plus the configured payment latency of this checkout's version."""
        if self.config is None:
            return None
        latency_s = self.config.get("payment.latency_ms", version=config_version) / 1000
        return self.downstream.timeout_s + latency_s if latency_s else None

    async def _call(self, target: str, method: str, path: str, **kwargs: Any) -> Reply:
        try:
            return await self.downstream.call(target, method, path, idempotent=True, **kwargs)
        except ShopError as exc:  # Downstream's 503 after its retries
            raise DownstreamUnavailable(target) from exc

    async def cart(self, user_id: int, *, tenant_id: str) -> dict[str, Any]:
        headers = {"X-User-Id": str(user_id), "X-Tenant-Id": tenant_id}
        response = await self._call("cart", "GET", "/cart", headers=headers)
        if response.status_code != 200:
            raise UnexpectedAnswer("cart", response.status_code)
        return response.json()

    async def product(self, product_id: int) -> dict[str, Any]:
        response = await self._call("catalog", "GET", f"/products/{product_id}")
        if response.status_code == 404:
            raise ProductUnavailable(product_id)
        if response.status_code != 200:
            raise UnexpectedAnswer("catalog", response.status_code)
        return response.json()

    async def products(self, product_ids: list[int]) -> dict[int, dict[str, Any]]:
        found = await asyncio.gather(*(self.product(pid) for pid in product_ids))
        return dict(zip(product_ids, found, strict=True))

    async def reserve(
        self, checkout_id: str, lines: list[dict[str, int]], *, config_version: int = 0
    ) -> Reservation:
        body = {"checkout_id": checkout_id, "lines": lines, "config_version": config_version}
        response = await self._call("inventory", "POST", "/reservations", json=body)
        if response.status_code == 409:
            raise _insufficient(response.json())
        if response.status_code not in (200, 201):
            raise UnexpectedAnswer("inventory", response.status_code)
        data = response.json()
        return Reservation(data["reservation_id"], data["status"])

    async def confirm(self, reservation_id: str) -> None:
        path = f"/reservations/{reservation_id}/confirm"
        response = await self._call("inventory", "POST", path)
        if response.status_code in (404, 409):
            raise ReservationGone(reservation_id)
        if response.status_code != 200:
            raise UnexpectedAnswer("inventory", response.status_code)

    async def release(self, checkout_id: str) -> None:
        body = {"checkout_id": checkout_id}
        response = await self._call(
            "inventory", "POST", "/reservations/release-for-checkout", json=body
        )
        if response.status_code != 200:
            raise UnexpectedAnswer("inventory", response.status_code)

    async def charge(
        self,
        checkout_id: str,
        *,
        amount: Decimal,
        currency: str,
        card_token: str,
        config_version: int = 0,
    ) -> Charge:
        body = {
            "checkout_id": checkout_id,
            "amount": str(amount),
            "currency": currency,
            "card_token": card_token,
            "config_version": config_version,
        }
        response = await self._call(
            "payment", "POST", "/charges", json=body, timeout_s=self._charge_timeout(config_version)
        )
        if response.status_code != 200:
            raise UnexpectedAnswer("payment", response.status_code)
        charge = _charge(response.json())
        if charge.status != CAPTURED:  # declined, or voided before it could capture
            raise PaymentDeclined(charge.payment_id, charge.decline_code)
        return charge

    async def find_charge(self, checkout_id: str) -> Charge | None:
        response = await self._call("payment", "GET", f"/charges/{checkout_id}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise UnexpectedAnswer("payment", response.status_code)
        return _charge(response.json())

    async def void(self, checkout_id: str) -> Charge:
        response = await self._call("payment", "POST", f"/charges/{checkout_id}/void")
        if response.status_code != 200:
            raise UnexpectedAnswer("payment", response.status_code)
        return _charge(response.json())
