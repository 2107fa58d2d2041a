"""The messages that cross service boundaries, one typed model each (docs/architecture.md).

The checkout service emits these models through its outbox; every consumer parses a delivery
once with :meth:`Delivery.payload_as`. Consumers import this package, never the producer's
domain. ``python -m shopstack.contracts.export`` writes their JSON Schemas to
``contracts/events/`` at the repository root.
"""

from shopstack.contracts.events import (
    CHECKOUT_COMPLETED,
    CHECKOUT_FAILED,
    CHECKOUT_STATUS_CHANGED,
    CONSUMERS,
    DEFAULT_TENANT,
    ORDER_CREATED,
    PAYLOADS,
    CheckoutCompleted,
    CheckoutFailed,
    CheckoutStatusChanged,
    Delivery,
    EventPayload,
    InvalidEvent,
    OrderCreated,
    PurchasedItem,
    order_id_for,
)

__all__ = [
    "CHECKOUT_COMPLETED",
    "CHECKOUT_FAILED",
    "CHECKOUT_STATUS_CHANGED",
    "CONSUMERS",
    "DEFAULT_TENANT",
    "ORDER_CREATED",
    "PAYLOADS",
    "CheckoutCompleted",
    "CheckoutFailed",
    "CheckoutStatusChanged",
    "Delivery",
    "EventPayload",
    "InvalidEvent",
    "OrderCreated",
    "PurchasedItem",
    "order_id_for",
]
