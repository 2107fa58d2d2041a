"""Payment HTTP API (internal): charges, charge lookup, void, and the outbox consumer."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from shopstack.contracts import CheckoutFailed, Delivery
from shopstack.errors import ShopError, not_found
from shopstack.payment import charges
from shopstack.payment.domain import DEFAULT_TOKEN, ProcessingError
from shopstack.wire import money, rfc3339

router = APIRouter()


class ChargeRequest(BaseModel):
    checkout_id: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    card_token: str = Field(default=DEFAULT_TOKEN, min_length=1, max_length=255)
    config_version: int | None = Field(
        default=None, ge=0, description="the configuration the checkout started under"
    )


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    body = {
        "payment_id": row["id"],
        "checkout_id": row["checkout_id"],
        "status": row["status"],
        "amount": money(row["amount"]),
        "currency": row["currency"],
        "created_at": rfc3339(row["created_at"]),
    }
    if row.get("decline_code"):
        body["decline_code"] = row["decline_code"]
    return body


@router.post("/charges")
def create_charge(body: ChargeRequest, request: Request) -> dict[str, Any]:
    config = request.app.state.config
    latency_ms = config.get("payment.latency_ms", version=body.config_version)
    if latency_ms:
        time.sleep(latency_ms / 1000)  # a sync route: this waits in a worker thread
    try:
        row = charges.charge(
            request.app.state.engine,
            checkout_id=body.checkout_id,
            amount=body.amount,
            currency=body.currency.upper(),
            card_token=body.card_token,
            failure_rate=config.get("payment.failure_rate", version=body.config_version),
        )
    except ProcessingError as exc:
        raise ShopError(503, "processing_error", str(exc)) from exc
    return _answer(row)


@router.get("/charges/{checkout_id}")
def get_charge(checkout_id: str, request: Request) -> dict[str, Any]:
    row = charges.find(request.app.state.engine, checkout_id)
    if row is None:
        raise not_found("payment not found")
    return _answer(row)


@router.post("/charges/{checkout_id}/void")
def void_charge(checkout_id: str, request: Request) -> dict[str, Any]:
    return _answer(charges.void(request.app.state.engine, checkout_id))


@router.post("/events")
def consume_event(delivery: Delivery, request: Request) -> dict[str, str]:
    """``checkout.failed`` after a payment attempt whose outcome was unknown: void it."""
    event = delivery.payload_as(CheckoutFailed)
    if event is None or not event.payment_attempted:
        return {"status": "ignored"}
    charges.void(request.app.state.engine, event.checkout_id)
    return {"status": "applied"}
