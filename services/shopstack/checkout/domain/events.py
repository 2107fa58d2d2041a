"""Events the checkout publishes (past tense), as stored in the event log and the outbox.

``checkout.completed`` and ``checkout.failed`` go through the outbox to other services; the
event log additionally records every ``checkout.status_changed``. :class:`OutboxEvent` is the
wire shape every consumer's ``POST /events`` accepts (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

STATUS_CHANGED = "checkout.status_changed"
COMPLETED = "checkout.completed"
FAILED = "checkout.failed"

#: Who receives each outbox event type.
CONSUMERS: dict[str, tuple[str, ...]] = {
    COMPLETED: ("cart", "orders", "notifications"),
    FAILED: ("inventory", "payment"),
}


class OutboxEvent(BaseModel):
    """An outbox event as delivered to a consumer; consumers are idempotent by ``id``."""

    id: str
    event_type: str
    aggregate_id: str
    payload: dict[str, Any]
    created_at: str | None = None
