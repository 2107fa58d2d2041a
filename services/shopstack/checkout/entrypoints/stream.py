"""``WS /events/stream``: push the caller's events as JSON text messages as they commit.

The caller is ``X-User-Id`` (set by the gateway) or, for direct use in tests, the ``user_id``
query parameter. ``after_id`` first replays logged events newer than that id, so a client that
reconnects misses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from shopstack.caller import user_id_from
from shopstack.checkout.adapters import eventlog
from shopstack.errors import ShopError

router = APIRouter()

POLICY_VIOLATION = 1008


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
    try:
        user_id = user_id_from(raw_user)
    except ShopError as exc:
        await websocket.close(code=POLICY_VIOLATION, reason=exc.message)
        return
    runtime = websocket.app.state.runtime
    queue = runtime.broadcaster.subscribe(user_id)  # before the replay: nothing falls between
    await websocket.accept()
    try:
        after_id = int(websocket.query_params.get("after_id", "0") or 0)
        if after_id > 0:
            for event in await runtime.db(eventlog.query, user_id, after_id=after_id, limit=500):
                await websocket.send_json(event)
        pump = asyncio.create_task(_pump(websocket, queue))
        closed = asyncio.create_task(_until_closed(websocket))
        _done, pending = await asyncio.wait({pump, closed}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    except (WebSocketDisconnect, ValueError):
        pass
    finally:
        runtime.broadcaster.unsubscribe(user_id, queue)
