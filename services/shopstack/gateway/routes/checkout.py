"""``/api/v1/checkout``: start a checkout (the saga runs in the checkout service) and read one.

Retrying ``POST /checkout`` is safe although it is not idempotent at the HTTP level: every
request carries an ``idempotency_key`` and the checkout service runs at most one saga per key
(a repeat gets the stored result). So the gateway lets its downstream client retry the call
(``idempotent=True``) when the checkout service could not be reached or did not answer.
The call gets a longer timeout than reads: it covers the whole saga (cart, catalogue,
inventory, payment, each with its own retries).

A 503 tells the client whether replaying its key can still change the outcome
(``retry_with_same_idempotency_key``): yes when the checkout service gave no answer (the
gateway could not reach it, or it timed out) or named a session that is not final (recovery
may still complete it); no when the session it names is FAILED or COMPLETED — no replay changes
that (a payment-unavailable FAILED answers this same 503 for good, and a client that obeyed a
``true`` would loop), so after FAILED the client starts a new checkout with a new key.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from shopstack.errors import ShopError, invalid_request, not_found
from shopstack.gateway.deps import DownstreamDep, user_headers
from shopstack.gateway.forwarding import errors, relay
from shopstack.gateway.identity import CurrentUser
from shopstack.gateway.schemas import CheckoutUnavailablePublic
from shopstack.transport import Reply

router = APIRouter(prefix="/api/v1/checkout", tags=["checkout"])

CHECKOUT_TIMEOUT_S = 30.0


class PaymentIn(BaseModel):
    card_token: str | None = Field(
        default="tok_visa",
        min_length=1,
        max_length=255,
        description="a card test token; null or absent: tok_visa",
        examples=["tok_visa", "tok_chargeDeclined"],
    )


class CheckoutCreate(BaseModel):
    """Documents the body; the checkout service validates it (same rules, its own codes)."""

    idempotency_key: str = Field(
        min_length=1,
        max_length=255,
        pattern=r"\S",
        description="unique per user; blank is the same as missing",
        examples=["order-2026-0001"],
    )
    payment: PaymentIn | None = None


class CheckoutPublic(BaseModel):
    checkout_id: str
    status: str = Field(examples=["COMPLETED", "FAILED"])
    failure_reason: str | None = Field(default=None, examples=["payment_declined"])


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": CheckoutCreate.model_json_schema()}},
    }
}


def valid_uuid(raw: str, what: str) -> str:
    """A malformed id cannot name anything: 404, like an unknown one."""
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise not_found(f"{what} not found") from exc


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, 5,000-digit ints
        raise invalid_request("malformed JSON") from exc


RETRY_HINT = "retry_with_same_idempotency_key"
#: Session statuses after which nothing changes the outcome of a checkout (CONTRACT.md saga).
FINAL_STATUSES = frozenset({"COMPLETED", "FAILED"})
_CHECKOUT_ERRORS = {
    **errors(400, 401, 409),
    503: {
        "model": CheckoutUnavailablePublic,
        "description": "a service is unavailable. retry_with_same_idempotency_key true: the "
        "checkout may still complete, repeat the request with the same idempotency_key to "
        "learn its outcome; false: the session named by checkout_id ended with the status "
        "given and no repeat changes that (after FAILED, start a new checkout with a new key)",
    },
}


def outcome_may_change(body: dict[str, Any]) -> bool:
    """Whether replaying the key can still change what the checkout answers: unless the body
    names a session whose status is final."""
    return body.get("status") not in FINAL_STATUSES


def _with_retry_hint(response: Reply) -> Response:
    """A checkout 503, relayed with the hint that tells the client whether to replay its key."""
    if response.status_code != 503:
        return relay(response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {"error": "checkout service unavailable", "code": "service_unavailable"}
    return JSONResponse({**body, RETRY_HINT: outcome_may_change(body)}, status_code=503)


@router.post(
    "",
    response_model=CheckoutPublic,
    summary="Check out the caller's cart (idempotent per idempotency_key)",
    responses=_CHECKOUT_ERRORS,
    openapi_extra=_BODY_DOC,
)
async def start_checkout(
    user: CurrentUser, request: Request, downstream: DownstreamDep
) -> Response:
    body = await _json_body(request)
    try:
        response = await downstream.call(
            "checkout",
            "POST",
            "/checkout",
            json=body,
            headers=user_headers(user, request),
            # Repeating would be safe (the idempotency key returns the stored result), but after
            # a timeout it only waits another CHECKOUT_TIMEOUT_S on a hung service: retry only
            # what never reached it (refused connections), so a client waits at most one timeout.
            idempotent=False,
            timeout_s=CHECKOUT_TIMEOUT_S,
        )
    except ShopError as exc:
        if exc.status != 503:
            raise
        # no answer from the checkout service (unreachable, timed out): the outcome is open
        raise ShopError(
            exc.status, exc.code, exc.message, **exc.extra, **{RETRY_HINT: True}
        ) from exc
    return _with_retry_hint(response)


@router.get(
    "/{checkout_id}",
    summary="One of the caller's checkout sessions",
    responses=errors(401, 403, 404, 503),
)
async def get_checkout(
    checkout_id: str, user: CurrentUser, request: Request, downstream: DownstreamDep
) -> Response:
    checkout_id = valid_uuid(checkout_id, "checkout session")
    response = await downstream.call(
        "checkout",
        "GET",
        f"/checkout/{checkout_id}",
        headers=user_headers(user, request),
        idempotent=True,
    )
    return relay(response)
