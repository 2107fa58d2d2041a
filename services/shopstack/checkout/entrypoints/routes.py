"""Checkout HTTP API (internal; the gateway forwards the public routes here)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shopstack.caller import CurrentCaller
from shopstack.checkout.domain.commands import parse_start
from shopstack.checkout.domain.errors import CheckoutError
from shopstack.checkout.domain.session import CheckoutSession, Outcome
from shopstack.checkout.entrypoints.errors import http_error
from shopstack.checkout.entrypoints.stream import MAX_EVENT_ID
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.checkout.service_layer.start import start_checkout
from shopstack.checkout.service_layer.unit_of_work import EventQuery
from shopstack.errors import forbidden, invalid_request, not_found
from shopstack.wire import money, rfc3339

router = APIRouter()


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def session_body(session: CheckoutSession) -> dict[str, Any]:
    """The CheckoutSession shape of ``GET /checkout/{id}``."""
    return {
        "id": session.id,
        "checkout_id": session.id,
        "tenant_id": session.tenant_id,
        "user_id": session.user_id,
        "status": session.status,
        "idempotency_key": session.idempotency_key,
        "cart_snapshot": session.cart.as_json(),
        "inventory_reservation_id": session.inventory_reservation_id,
        "payment_id": session.payment_id,
        "total_amount": money(session.total_amount),
        "currency": session.currency,
        "failure_reason": session.failure_reason,
        "created_at": rfc3339(session.created_at),
        "updated_at": rfc3339(session.updated_at),
    }


def outcome_body(outcome: Outcome) -> dict[str, Any]:
    """The 200 answer of ``POST /checkout``: the checkout id, its status, why it failed."""
    body: dict[str, Any] = {"checkout_id": outcome.checkout_id, "status": outcome.status}
    if outcome.failure_reason:
        body["failure_reason"] = outcome.failure_reason
    return body


@router.post("/checkout")
async def post_checkout(request: Request, caller: CurrentCaller) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise invalid_request("malformed JSON") from exc
    try:
        command = parse_start(caller.user_id, body, tenant_id=caller.tenant_id)
        outcome = await start_checkout(_runtime(request), command)
    except CheckoutError as exc:
        raise http_error(exc) from exc
    return outcome_body(outcome)


@router.get("/checkout/{checkout_id}")
async def get_checkout(checkout_id: str, request: Request, caller: CurrentCaller) -> dict[str, Any]:
    session = await _runtime(request).read(lambda uow: uow.sessions.get(checkout_id))
    if session is None:
        raise not_found("checkout session not found")
    if (session.tenant_id, session.user_id) != (caller.tenant_id, caller.user_id):
        raise forbidden()  # another user's, or another tenant's
    return session_body(session)


@router.get("/events")
async def list_events(
    request: Request,
    caller: CurrentCaller,
    type: Annotated[str | None, Query(max_length=128)] = None,  # noqa: A002 - public name
    aggregate_id: Annotated[str | None, Query(max_length=128)] = None,
    after_id: Annotated[int, Query(ge=0, le=MAX_EVENT_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """The page comes encoded from the event log (``page_json``), in the worker thread: no
    response model to validate 1,000 events against, nothing to encode on the event loop."""
    page = await _runtime(request).read(
        lambda uow: uow.events.page_json(
            EventQuery(
                caller.user_id,
                tenant_id=caller.tenant_id,
                event_type=type,
                aggregate_id=aggregate_id,
                after_id=after_id,
                limit=limit,
            )
        )
    )
    return Response(page, media_type="application/json")
