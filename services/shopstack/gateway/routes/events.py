"""``/api/v1/events``: the caller's event log — publish (one or a batch), query, live stream.

The stream is proxied to the checkout service (which owns the event log) with the
``websockets`` client. Identity as on every route: ``X-User-Id`` in mock mode and
``Authorization: Bearer`` in jwt mode; browsers cannot set headers on a WebSocket, so the
``user_id`` (mock) or ``token`` (jwt) query parameter is accepted too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Annotated, Any
from urllib.parse import urlencode

import websockets
from fastapi import APIRouter, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from shopstack.caller import Caller
from shopstack.errors import ShopError, invalid_request
from shopstack.gateway.deps import DownstreamDep, user_headers
from shopstack.gateway.forwarding import MAX_ID, errors, relay
from shopstack.gateway.identity import CurrentUser, resolve_caller
from shopstack.topology import service_url

router = APIRouter(prefix="/api/v1/events", tags=["events"])

POLICY_VIOLATION = 1008
#: A batch of 1,000 events is one transaction of 1,000 inserts: longer than a read may take.
PUBLISH_TIMEOUT_S = 30.0
TRY_AGAIN_LATER = 1013


@router.get("", summary="The caller's events, oldest first", responses=errors(400, 401, 503))
async def list_events(
    user: CurrentUser,
    request: Request,
    downstream: DownstreamDep,
    type: Annotated[str | None, Query(max_length=128)] = None,  # noqa: A002 - public name
    aggregate_id: Annotated[str | None, Query(max_length=128)] = None,
    after_id: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    params: dict[str, object] = {"after_id": after_id, "limit": limit}
    if type:
        params["type"] = type
    if aggregate_id:
        params["aggregate_id"] = aggregate_id
    response = await downstream.call(
        "checkout",
        "GET",
        "/events",
        params=params,
        headers=user_headers(user, request),
        idempotent=True,
    )
    return relay(response)


class EventCreate(BaseModel):
    """Documents the body; the checkout service validates it (CONTRACT.md event engine)."""

    model_config = ConfigDict(extra="forbid")  # the service refuses unknown fields

    type: str = Field(
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
        max_length=128,
        description="not starting checkout., order., cart., payment., inventory., "
        "notification. or config. (reserved: 400 reserved_event_type)",
        examples=["ledger.entry_added"],
    )
    aggregate_id: str = Field(min_length=1, max_length=128, examples=["ledger-1"])
    payload: dict[str, Any] = Field(description="a JSON object of at most 64 KiB")
    expected_sequence: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="the sequence this event must get (current + 1), else 409 sequence_conflict",
    )


class EventBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventCreate] = Field(min_length=1, max_length=1000)


def _body_doc(model: type[BaseModel]) -> dict[str, Any]:
    schema = {"application/json": {"schema": model.model_json_schema()}}
    return {"requestBody": {"required": True, "content": schema}}


async def _publish(path: str, user: int, request: Request, downstream) -> Response:  # noqa: ANN001
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except (ValueError, RecursionError) as exc:
        raise invalid_request("malformed JSON") from exc
    response = await downstream.call(
        "checkout",
        "POST",
        path,
        json=body,
        headers=user_headers(user, request),
        idempotent=False,  # a repeat would append the event twice (expected_sequence: safe)
        timeout_s=PUBLISH_TIMEOUT_S,
    )
    return relay(response)


@router.post(
    "",
    status_code=201,
    summary="Publish one event (gapless sequence per aggregate, optional expected_sequence)",
    responses=errors(400, 401, 409, 503),
    openapi_extra=_body_doc(EventCreate),
)
async def publish_event(user: CurrentUser, request: Request, downstream: DownstreamDep) -> Response:
    return await _publish("/events", user, request, downstream)


@router.post(
    "/batch",
    status_code=201,
    summary="Publish 1-1000 events in one transaction: all stored or none",
    responses=errors(400, 401, 409, 503),
    openapi_extra=_body_doc(EventBatchCreate),
)
async def publish_batch(user: CurrentUser, request: Request, downstream: DownstreamDep) -> Response:
    return await _publish("/events/batch", user, request, downstream)


def _stream_user(websocket: WebSocket) -> Caller:
    authorization = websocket.headers.get("authorization")
    token = websocket.query_params.get("token")
    if not authorization and token:
        authorization = f"Bearer {token}"
    raw_user = websocket.headers.get("x-user-id") or websocket.query_params.get("user_id")
    raw_tenant = websocket.headers.get("x-tenant-id") or websocket.query_params.get("tenant_id")
    return resolve_caller(x_user_id=raw_user, x_tenant_id=raw_tenant, authorization=authorization)


def _stream_after_id(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("after_id")
    if not raw:
        return None
    try:
        after_id = int(raw)
    except ValueError:
        after_id = -1
    if not 0 <= after_id <= MAX_ID:
        raise ShopError(400, "invalid_request", f"after_id must be an integer 0..{MAX_ID}")
    return after_id


def _stream_filters(websocket: WebSocket) -> dict[str, str]:
    """``type`` and ``aggregate_id`` as given (1-128 characters each), for the checkout service."""
    filters = {}
    for name in ("type", "aggregate_id"):
        value = websocket.query_params.get(name)
        if value is None:
            continue
        if not 1 <= len(value) <= 128:
            raise ShopError(400, "invalid_request", f"{name} must be 1 to 128 characters")
        filters[name] = value
    return filters


async def _client_to_nowhere(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass


async def _upstream_to_client(upstream: websockets.ClientConnection, websocket: WebSocket) -> None:
    async for message in upstream:
        await websocket.send_text(message if isinstance(message, str) else message.decode())


async def _refuse(websocket: WebSocket, exc: ShopError) -> None:
    """Refuse the handshake with the contract's error (its status and JSON body) where the
    server can answer a WebSocket request over HTTP (uvicorn can). Elsewhere: close with 1008
    and the message as reason, which a client only sees as a bare 403."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse(exc.body(), status_code=exc.status))
    else:
        await websocket.close(code=POLICY_VIOLATION, reason=exc.message)


@router.websocket("/stream")
async def event_stream(websocket: WebSocket) -> None:
    try:
        user = _stream_user(websocket)
        after_id = _stream_after_id(websocket)
        forwarded = _stream_filters(websocket)
    except ShopError as exc:
        await _refuse(websocket, exc)
        return
    url = service_url("checkout").replace("http", "ws", 1) + "/events/stream"
    if after_id is not None:
        forwarded["after_id"] = str(after_id)
    if forwarded:
        url += "?" + urlencode(forwarded)
    try:
        upstream = await websockets.connect(
            url, additional_headers={"X-User-Id": str(user.user_id), "X-Tenant-Id": user.tenant_id}
        )
    except (OSError, websockets.WebSocketException):
        await websocket.close(code=TRY_AGAIN_LATER, reason="checkout service unavailable")
        return
    await websocket.accept()
    async with upstream:
        tasks = {
            asyncio.create_task(_upstream_to_client(upstream, websocket)),
            asyncio.create_task(_client_to_nowhere(websocket)),
        }
        _done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    with contextlib.suppress(RuntimeError):
        await websocket.close()
