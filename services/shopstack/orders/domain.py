"""Orders domain: an order is what a completed checkout bought."""

from __future__ import annotations

from typing import Any

from shopstack.contracts import CheckoutCompleted, order_id_for

CONFIRMED = "CONFIRMED"

__all__ = ["CONFIRMED", "order_from_completed", "order_id_for"]


def order_from_completed(event: CheckoutCompleted) -> dict[str, Any]:
    """The order row for a ``checkout.completed`` event (see docs/architecture.md)."""
    return {
        "id": event.order_id,
        "checkout_id": event.checkout_id,
        "tenant_id": event.tenant_id,
        "user_id": event.user_id,
        "status": CONFIRMED,
        "total_amount": event.total_amount,
        "currency": event.currency,
        "items": [item.model_dump(mode="json") for item in event.items],
        "payment_id": event.payment_id,
    }
