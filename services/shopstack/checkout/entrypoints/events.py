"""``POST /events`` and ``POST /events/batch``: a caller publishes its own events.

Bodies are checked by :mod:`shopstack.checkout.domain.client_events` (400 ``invalid_request``
or ``reserved_event_type``, a batch naming the index); a failed ``expected_sequence`` is
``409 sequence_conflict`` with ``current_sequence``. Either way nothing is stored.

``POST /domain-events`` (internal, not routed by the gateway): another platform service logs
one of its domain events (``order.created``) for a user; the type must be one of
:data:`shopstack.contracts.PAYLOADS` and the payload must match its model.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopstack.caller import Caller, CurrentCaller
from shopstack.checkout.domain.client_events import (
    InvalidEvent,
    NewEvent,
    SequenceConflict,
    parse_batch,
    parse_event,
)
from shopstack.checkout.service_layer.event_engine import publish
from shopstack.contracts import DEFAULT_TENANT, PAYLOADS
from shopstack.contracts.events import TENANT_PATTERN
from shopstack.errors import ShopError, invalid_request

router = APIRouter()


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except (ValueError, RecursionError) as exc:
        raise invalid_request("malformed JSON") from exc


async def _publish(request: Request, caller: Caller, batch: list[NewEvent]) -> list[dict[str, Any]]:
    try:
        return await publish(
            request.app.state.runtime,
            user_id=caller.user_id,
            tenant_id=caller.tenant_id,
            batch=batch,
        )
    except SequenceConflict as exc:
        raise ShopError(409, "sequence_conflict", str(exc), current_sequence=exc.current) from exc


def _parsed(parse, body: Any):  # noqa: ANN001, ANN202 - parse_event or parse_batch
    try:
        return parse(body)
    except InvalidEvent as exc:
        raise ShopError(400, exc.code, exc.message) from exc


@router.post("/events", status_code=201)
async def post_event(request: Request, caller: CurrentCaller) -> JSONResponse:
    event = _parsed(parse_event, await _json(request))
    stored = await _publish(request, caller, [event])
    return JSONResponse(stored[0], status_code=201)


@router.post("/events/batch", status_code=201)
async def post_batch(request: Request, caller: CurrentCaller) -> JSONResponse:
    batch = _parsed(parse_batch, await _json(request))
    stored = await _publish(request, caller, batch)
    return JSONResponse({"events": stored}, status_code=201)


class DomainEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    aggregate_id: str = Field(min_length=1, max_length=128)
    user_id: int = Field(gt=0, lt=2**63)
    tenant_id: str = Field(default=DEFAULT_TENANT, pattern=TENANT_PATTERN)
    payload: dict[str, Any]
    expected_sequence: int | None = Field(default=None, ge=1, lt=2**63)


@router.post("/domain-events", status_code=201)
async def post_domain_event(body: DomainEventIn, request: Request) -> JSONResponse:
    model = PAYLOADS.get(body.type)
    if model is None:
        raise invalid_request(f"unknown domain event type {body.type!r}")
    try:
        payload = model.model_validate(body.payload).as_json()
    except ValidationError as exc:
        raise invalid_request(f"{body.type} payload: {exc.errors()[0]['msg']}") from exc
    event = NewEvent(body.type, body.aggregate_id, payload, body.expected_sequence)
    stored = await _publish(request, Caller(body.tenant_id, body.user_id), [event])
    return JSONResponse(stored[0], status_code=201)
