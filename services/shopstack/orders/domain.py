"""Orders domain: an order is what a completed checkout bought."""

from __future__ import annotations

import uuid
from typing import Any

CONFIRMED = "CONFIRMED"

_ORDER_NAMESPACE = uuid.UUID("5b0d1f3e-6c3a-4b59-9a59-0d7c2f1e8a42")


def order_id_for(checkout_id: str) -> str:
    """The order id of a checkout: derived, so every consumer of the event names it alike
    (the notification email quotes it without asking the orders service)."""
    return str(uuid.uuid5(_ORDER_NAMESPACE, checkout_id))


def order_from_completed(payload: dict[str, Any]) -> dict[str, Any]:
    """The order row for a ``checkout.completed`` payload (see docs/architecture.md)."""
    items = [
        {
            "product_id": int(item["product_id"]),
            "product_name": item.get("product_name", ""),
            "quantity": int(item["quantity"]),
            "price": item["price"],
        }
        for item in payload["items"]
    ]
    return {
        "id": order_id_for(payload["checkout_id"]),
        "checkout_id": payload["checkout_id"],
        "user_id": int(payload["user_id"]),
        "status": CONFIRMED,
        "total_amount": payload["total_amount"],
        "currency": payload.get("currency", "USD"),
        "items": items,
        "payment_id": payload.get("payment_id"),
    }
