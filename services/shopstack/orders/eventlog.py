"""The orders service's domain events go into the platform's event log (owned by checkout).

``order.created`` is logged after the order row is committed, as the first event of the order's
aggregate (``expected_sequence`` 1): a repeat after a redelivery answers ``409
sequence_conflict``, which means it is already logged. Any other failure is
:class:`EventLogUnavailable`, so the consumer answers 503 and the relay delivers again.
"""

from __future__ import annotations

import httpx

from shopstack.contracts import OrderCreated
from shopstack.topology import service_url


class EventLogUnavailable(Exception):
    """The event log could not record the event; the caller should let the delivery retry."""


def log_order_created(order: OrderCreated, *, timeout_s: float = 5.0) -> None:
    url = f"{service_url('checkout')}/domain-events"
    body = {
        "type": order.EVENT_TYPE,
        "aggregate_id": order.order_id,
        "user_id": order.user_id,
        "tenant_id": order.tenant_id,
        "payload": order.as_json(),
        "expected_sequence": 1,
    }
    try:
        response = httpx.post(url, json=body, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise EventLogUnavailable(f"event log {url}: {type(exc).__name__}: {exc}") from exc
    if response.status_code == 201:
        return
    if response.status_code == 409 and response.json().get("code") == "sequence_conflict":
        return  # logged by an earlier delivery of the same checkout
    raise EventLogUnavailable(f"event log {url} answered {response.status_code}: {response.text}")
