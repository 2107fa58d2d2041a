"""Inventory HTTP API (internal; see docs/architecture.md)."""

from __future__ import annotations

import logging
import os
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from shopstack.contracts import CheckoutFailed, Delivery
from shopstack.errors import ShopError, not_found
from shopstack.inventory import reservations, stock
from shopstack.inventory.domain import InsufficientStock, ReservationLine, ReservationNotActive
from shopstack.wire import rfc3339

log = logging.getLogger("shopstack.inventory")

router = APIRouter()


class StockQuantity(BaseModel):
    quantity: int = Field(ge=0, le=10**9)


class LineIn(BaseModel):
    product_id: int = Field(gt=0)
    quantity: int = Field(gt=0, le=10**6)


class ReserveRequest(BaseModel):
    checkout_id: str = Field(min_length=1, max_length=64)
    lines: list[LineIn] = Field(min_length=1)
    config_version: int | None = Field(
        default=None, ge=0, description="the configuration the checkout started under"
    )


class CheckoutRef(BaseModel):
    checkout_id: str = Field(min_length=1, max_length=64)


def _engine(request: Request):  # noqa: ANN202 - sqlalchemy Engine
    return request.app.state.engine


def _reservation_body(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "reservation_id": row["id"],
        "checkout_id": row["checkout_id"],
        "status": row["status"],
        "expires_at": rfc3339(row["expires_at"]),
    }


def insufficient_stock(exc: InsufficientStock) -> ShopError:
    return ShopError(
        409,
        "insufficient_stock",
        "insufficient_stock",
        message=str(exc),
        product_id=exc.product_id,
        available=exc.available,
        requested=exc.requested,
    )


@router.get("/stock/{product_id}")
def get_stock(product_id: int, request: Request) -> dict[str, int]:
    quantity = stock.get_quantity(_engine(request), product_id)
    if quantity is None:
        raise not_found("product not found")
    return {"product_id": product_id, "quantity": quantity}


@router.put("/stock/{product_id}")
def put_stock(product_id: int, body: StockQuantity, request: Request) -> dict[str, int]:
    if product_id < 1:
        raise ShopError(400, "invalid_product_id", "product_id must be a positive integer")
    stock.set_quantity(_engine(request), product_id, body.quantity)
    return {"product_id": product_id, "quantity": body.quantity}


@router.post("/reservations", status_code=201)
def create_reservation(body: ReserveRequest, request: Request) -> dict[str, Any]:
    lines = [ReservationLine(line.product_id, line.quantity) for line in body.lines]
    try:
        ttl_s = request.app.state.config.get(
            "inventory.reservation_ttl_s", version=body.config_version
        )
        row = reservations.reserve(_engine(request), body.checkout_id, lines, ttl_s=ttl_s)
    except InsufficientStock as exc:
        raise insufficient_stock(exc) from exc
    return _reservation_body(row)


@router.get("/reservations/{reservation_id}")
def get_reservation(reservation_id: str, request: Request) -> dict[str, Any]:
    row = reservations.lookup(_engine(request), reservation_id)
    if row is None:
        raise not_found("reservation not found")
    return _reservation_body(row)


@router.post("/reservations/{reservation_id}/confirm")
def confirm_reservation(reservation_id: str, request: Request) -> dict[str, str]:
    try:
        status = reservations.confirm(_engine(request), reservation_id)
    except ReservationNotActive as exc:
        raise ShopError(409, "reservation_not_active", str(exc), status=exc.status) from exc
    if status is None:
        raise not_found("reservation not found")
    return {"reservation_id": reservation_id, "status": status}


def _release_disabled() -> bool:
    """TEST-ONLY defect: ``SHOPSTACK_TEST_DISABLE_RELEASE=1`` makes every release a no-op that
    still answers success, so a test can prove the outage notebook catches a platform that stops
    compensating. The supervisor never stores ``SHOPSTACK_TEST_*`` variables."""
    disabled = os.environ.get("SHOPSTACK_TEST_DISABLE_RELEASE", "") == "1"
    if disabled:
        log.warning("TEST-ONLY defect armed: reservation release is disabled")
    return disabled


@router.post("/reservations/{reservation_id}/release")
def release_reservation(reservation_id: str, request: Request) -> dict[str, str]:
    if _release_disabled():
        return {"reservation_id": reservation_id, "status": "RELEASED"}
    status = reservations.release(_engine(request), reservation_id)
    if status is None:
        raise not_found("reservation not found")
    return {"reservation_id": reservation_id, "status": status}


@router.post("/reservations/release-for-checkout")
def release_for_checkout(body: CheckoutRef, request: Request) -> dict[str, Any]:
    """Compensation when the caller does not know (or never learned) the reservation id."""
    if _release_disabled():
        return {"reservation_id": None, "checkout_id": body.checkout_id, "status": "RELEASED"}
    row = reservations.release_for_checkout(_engine(request), body.checkout_id)
    return _reservation_body(row)


@router.post("/events")
def consume_event(delivery: Delivery, request: Request) -> dict[str, str]:
    """``checkout.failed``: make sure the checkout holds no stock (idempotent)."""
    event = delivery.payload_as(CheckoutFailed)
    if event is None or event.failure_reason == "insufficient_stock":
        return {"status": "ignored"}
    if _release_disabled():
        return {"status": "applied"}
    reservations.release_for_checkout(_engine(request), event.checkout_id)
    return {"status": "applied"}
