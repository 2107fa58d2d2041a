"""``WS /events/stream``: push the caller's events as JSON text messages as they commit.

The caller is ``X-User-Id`` (set by the gateway) or, for direct use in tests, the ``user_id``
query parameter. ``type`` and ``aggregate_id`` keep only the matching events. ``after_id``
(0 included: every logged event) first replays the events newer than that id (page by page),
so a client that reconnects misses nothing; without it, only live events are sent. A live
event the replay already sent is not sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from shopstack.caller import tenant_from, user_id_from
from shopstack.checkout.service_layer.unit_of_work import EventQuery
from shopstack.errors import ShopError

router = APIRouter()
log = logging.getLogger("shopstack.checkout.stream")

POLICY_VIOLATION = 1008
MAX_EVENT_ID = 2**63 - 1
MAX_FILTER_CHARS = 128
REPLAY_PAGE = 500


def _filters(params) -> dict[str, str | None]:  # noqa: ANN001 - starlette QueryParams
    """The stream's ``type`` and ``aggregate_id`` filters (None: any)."""
    wanted = {"event_type": params.get("type"), "aggregate_id": params.get("aggregate_id")}
    for name, value in wanted.items():
        if value is not None and not 1 <= len(value) <= MAX_FILTER_CHARS:
            raise ShopError(
                400, "invalid_request", f"{name} must be 1 to {MAX_FILTER_CHARS} characters"
            )
    return wanted


def _matches(event: dict, filters: dict[str, str | None]) -> bool:
    return (filters["event_type"] in (None, event["type"])) and (
        filters["aggregate_id"] in (None, event["aggregate_id"])
    )


def _after_id(raw: str | None) -> int | None:
    """None when not given (live events only); 0 replays every logged event first."""
    if raw is None or raw == "":
        return None
    try:
        after_id = int(raw)
    except ValueError:
        after_id = -1
    if not 0 <= after_id <= MAX_EVENT_ID:
        raise ShopError(
            400, "invalid_request", f"after_id must be an integer from 0 to {MAX_EVENT_ID}"
        )
    return after_id


async def _pump(
    websocket: WebSocket,
    queue: asyncio.Queue,
    *,
    filters: dict[str, str | None],
    sent_up_to: int,
) -> None:
    drop_every = _test_drop_every()
    matching = itertools.count(1)
    while True:
        event = await queue.get()
        if event["id"] <= sent_up_to or not _matches(event, filters):
            continue
        if drop_every and next(matching) % drop_every == 0:
            continue
        await websocket.send_json(event)


def _test_drop_every() -> int:
    """TEST-ONLY defect: ``SHOPSTACK_TEST_DROP_STREAM=<n>`` loses every n-th live message of a
    stream (tests/suite proves 34_event_streaming then fails). The supervisor never stores
    ``SHOPSTACK_TEST_*`` variables."""
    every = int(os.environ.get("SHOPSTACK_TEST_DROP_STREAM", "0") or 0)
    if every:
        log.warning("TEST-ONLY defect armed: every %d-th stream message is dropped", every)
    return every


async def _replay(websocket: WebSocket, *, caller: tuple[str, int], after_id: int, filters) -> int:  # noqa: ANN001
    """Send every logged event after ``after_id`` (filtered); the last id looked at."""
    runtime = websocket.app.state.runtime
    tenant_id, user_id = caller
    while True:
        page = await runtime.read(
            lambda uow, after=after_id: uow.events.query(
                EventQuery(user_id, tenant_id, after_id=after, limit=REPLAY_PAGE, **filters)
            )
        )
        for event in page:
            await websocket.send_json(event)
        if len(page) < REPLAY_PAGE:
            return max([after_id, *(event["id"] for event in page)])
        after_id = page[-1]["id"]


async def _until_closed(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return


@router.websocket("/events/stream")
async def event_stream(websocket: WebSocket) -> None:
    raw_user = websocket.headers.get("x-user-id") or websocket.query_params.get("user_id")
    raw_tenant = websocket.headers.get("x-tenant-id") or websocket.query_params.get("tenant_id")
    try:
        user_id = user_id_from(raw_user)
        tenant_id = tenant_from(raw_tenant)
        after_id = _after_id(websocket.query_params.get("after_id"))
        filters = _filters(websocket.query_params)
    except ShopError as exc:
        await websocket.close(code=POLICY_VIOLATION, reason=exc.message)
        return
    runtime = websocket.app.state.runtime
    queue = runtime.broadcaster.subscribe(
        user_id, tenant_id=tenant_id
    )  # before the replay: nothing falls between
    await websocket.accept()
    try:
        sent_up_to = 0
        if after_id is not None:
            sent_up_to = await _replay(
                websocket, caller=(tenant_id, user_id), after_id=after_id, filters=filters
            )
        pump = asyncio.create_task(_pump(websocket, queue, filters=filters, sent_up_to=sent_up_to))
        closed = asyncio.create_task(_until_closed(websocket))
        _done, pending = await asyncio.wait({pump, closed}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        runtime.broadcaster.unsubscribe(user_id, queue, tenant_id=tenant_id)
