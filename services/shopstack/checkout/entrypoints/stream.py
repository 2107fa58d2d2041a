"""``WS /events/stream``: push the caller's events as JSON text messages as they commit.

The caller is ``X-User-Id`` (set by the gateway) or, for direct use in tests, the ``user_id``
query parameter. ``after_id`` first replays logged events newer than that id, so a client that
reconnects misses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from shopstack.caller import tenant_from, user_id_from
from shopstack.errors import ShopError

router = APIRouter()

POLICY_VIOLATION = 1008
MAX_EVENT_ID = 2**63 - 1


def _after_id(raw: str | None) -> int:
    try:
        after_id = int(raw or "0")
    except ValueError:
        after_id = -1
    if not 0 <= after_id <= MAX_EVENT_ID:
        raise ShopError(
            400, "invalid_request", f"after_id must be an integer from 0 to {MAX_EVENT_ID}"
        )
    return after_id


async def _pump(websocket: WebSocket, queue: asyncio.Queue) -> None:
    while True:
        await websocket.send_json(await queue.get())


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
    except ShopError as exc:
        await websocket.close(code=POLICY_VIOLATION, reason=exc.message)
        return
    runtime = websocket.app.state.runtime
    queue = runtime.broadcaster.subscribe(
        user_id, tenant_id=tenant_id
    )  # before the replay: nothing falls between
    await websocket.accept()
    try:
        if after_id > 0:
            replayed = await runtime.read(
                lambda uow: uow.events.query(
                    user_id, tenant_id=tenant_id, after_id=after_id, limit=500
                )
            )
            for event in replayed:
                await websocket.send_json(event)
        pump = asyncio.create_task(_pump(websocket, queue))
        closed = asyncio.create_task(_until_closed(websocket))
        _done, pending = await asyncio.wait({pump, closed}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        runtime.broadcaster.unsubscribe(user_id, queue, tenant_id=tenant_id)
