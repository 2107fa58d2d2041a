"""Checkout HTTP API (internal; the gateway forwards the public routes here)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from shopstack.caller import CallerId
from shopstack.checkout.adapters import eventlog, sessions
from shopstack.checkout.domain.commands import parse_start
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.checkout.service_layer.start import start_checkout
from shopstack.errors import forbidden, invalid_request, not_found
from shopstack.wire import money, rfc3339

router = APIRouter()


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def session_body(row: dict[str, Any]) -> dict[str, Any]:
    """The CheckoutSession shape of ``GET /checkout/{id}``."""
    return {
        "id": row["id"],
        "checkout_id": row["id"],
        "user_id": row["user_id"],
        "status": row["status"],
        "idempotency_key": row["idempotency_key"],
        "cart_snapshot": row["cart_snapshot"],
        "inventory_reservation_id": row["inventory_reservation_id"],
        "payment_id": row["payment_id"],
        "total_amount": money(row["total_amount"]),
        "currency": row["currency"],
        "failure_reason": row["failure_reason"],
        "created_at": rfc3339(row["created_at"]),
        "updated_at": rfc3339(row["updated_at"]),
    }


@router.post("/checkout")
async def post_checkout(request: Request, user_id: CallerId) -> JSONResponse:
    try:
        body = json.loads(await request.body() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise invalid_request("malformed JSON") from exc
    result = await start_checkout(_runtime(request), parse_start(user_id, body))
    return JSONResponse(status_code=result["status_code"], content=result["body"])


@router.get("/checkout/{checkout_id}")
async def get_checkout(checkout_id: str, request: Request, user_id: CallerId) -> dict[str, Any]:
    row = await _runtime(request).db(sessions.get, checkout_id)
    if row is None:
        raise not_found("checkout session not found")
    if row["user_id"] != user_id:
        raise forbidden()
    return session_body(row)


@router.get("/events")
async def list_events(
    request: Request,
    user_id: CallerId,
    type: Annotated[str | None, Query(max_length=64)] = None,  # noqa: A002 - public name
    aggregate_id: Annotated[str | None, Query(max_length=64)] = None,
    after_id: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    found = await _runtime(request).db(
        eventlog.query,
        user_id,
        event_type=type,
        aggregate_id=aggregate_id,
        after_id=after_id,
        limit=limit,
    )
    return {"events": found}
