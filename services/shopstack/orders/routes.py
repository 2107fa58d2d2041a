"""Orders HTTP API (internal): the caller's orders, and the outbox consumer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from shopstack.caller import CurrentCaller
from shopstack.contracts import CheckoutCompleted, Delivery, OrderCreated
from shopstack.errors import ShopError, forbidden, not_found
from shopstack.orders import store
from shopstack.orders.domain import CONFIRMED
from shopstack.orders.eventlog import EventLogUnavailable, log_order_created
from shopstack.wire import money, rfc3339, to_decimal

router = APIRouter()


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
    rows = store.list_for_user(request.app.state.engine, caller, limit=limit)
    return {"orders": [order_body(row) for row in rows]}


@router.get("/orders/{order_id}")
def get_order(order_id: str, request: Request, caller: CurrentCaller) -> dict[str, Any]:
    row = store.get(request.app.state.engine, order_id)
    if row is None:
        raise not_found("order not found")
    if (row["tenant_id"], row["user_id"]) != (caller.tenant_id, caller.user_id):
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
