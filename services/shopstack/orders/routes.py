"""Orders HTTP API (internal): the caller's orders, and the outbox consumer."""

from __future__ import annotations

import logging
import os
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from shopstack.caller import Caller, CurrentCaller
from shopstack.contracts import CheckoutCompleted, Delivery, OrderCreated
from shopstack.errors import ShopError, forbidden, not_found
from shopstack.orders import store
from shopstack.orders.domain import CONFIRMED
from shopstack.orders.eventlog import EventLogUnavailable, log_order_created
from shopstack.wire import money, rfc3339, to_decimal

router = APIRouter()
log = logging.getLogger("shopstack.orders")


def _tenants_leak() -> bool:
    """TEST-ONLY defect: ``SHOPSTACK_TEST_LEAK_TENANT_ORDERS=1`` forgets the tenant when orders
    are read (user 7 of ``globex`` sees user 7 of ``acme``'s orders), so a test can prove the
    tenant isolation notebook catches a leaking platform. The supervisor never stores
    ``SHOPSTACK_TEST_*`` variables."""
    leaking = os.environ.get("SHOPSTACK_TEST_LEAK_TENANT_ORDERS", "") == "1"
    if leaking:
        log.warning("TEST-ONLY defect armed: orders are read across tenants")
    return leaking


def _owner(caller: Caller) -> tuple[str | None, int]:
    """Whose orders a caller reads: (tenant, user); the tenant is None under the leak defect."""
    return (None if _tenants_leak() else caller.tenant_id), caller.user_id


def order_body(row: dict[str, Any]) -> dict[str, Any]:
    items = [
        {
            **item,
            "price": money(item["price"]),
            "subtotal": money(to_decimal(item["price"]) * item["quantity"]),
        }
        for item in row["items"]
    ]
    return {
        "id": row["id"],
        "checkout_id": row["checkout_id"],
        "tenant_id": row["tenant_id"],
        "user_id": row["user_id"],
        "status": row["status"],
        "total_amount": money(row["total_amount"]),
        "currency": row["currency"],
        "items": items,
        "payment_id": row.get("payment_id"),
        "created_at": rfc3339(row["created_at"]),
    }


@router.get("/orders")
def list_orders(
    request: Request,
    caller: CurrentCaller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    tenant_id, user_id = _owner(caller)
    rows = store.list_for_user(request.app.state.engine, user_id, tenant_id=tenant_id, limit=limit)
    return {"orders": [order_body(row) for row in rows]}


@router.get("/orders/{order_id}")
def get_order(order_id: str, request: Request, caller: CurrentCaller) -> dict[str, Any]:
    row = store.get(request.app.state.engine, order_id)
    if row is None:
        raise not_found("order not found")
    tenant_id, user_id = _owner(caller)
    if row["user_id"] != user_id or tenant_id not in (None, row["tenant_id"]):
        raise forbidden()  # another user's, or another tenant's
    return order_body(row)


@router.post("/events")
def consume_event(delivery: Delivery, request: Request) -> dict[str, str]:
    """Create the order once, then make sure ``order.created`` is in the event log (also on a
    duplicate delivery: the first one may have failed between the two); 503 if it is not."""
    event = delivery.payload_as(CheckoutCompleted)
    if event is None:
        return {"status": "ignored"}
    status = store.apply_completed(request.app.state.engine, delivery.id, event)
    try:
        log_order_created(OrderCreated.of(event, status=CONFIRMED))
    except EventLogUnavailable as exc:
        raise ShopError(503, "event_log_unavailable", str(exc)) from exc
    return {"status": status}
