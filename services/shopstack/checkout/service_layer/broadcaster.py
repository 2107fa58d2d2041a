"""In-process fan-out of committed event-log rows to the WebSocket streams of their user
(a user inside a tenant: user 7 of ``acme`` never receives the events of user 7 of ``globex``)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from shopstack.caller import DEFAULT_TENANT

log = logging.getLogger("shopstack.checkout.broadcaster")


class Broadcaster:
    def __init__(self, *, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[tuple[str, int], set[asyncio.Queue]] = {}

    def subscribe(self, user_id: int, *, tenant_id: str = DEFAULT_TENANT) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=self._queue_size)
        self._subscribers.setdefault((tenant_id, user_id), set()).add(queue)
        return queue

    def unsubscribe(
        self, user_id: int, queue: asyncio.Queue, *, tenant_id: str = DEFAULT_TENANT
    ) -> None:
        queues = self._subscribers.get((tenant_id, user_id))
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[(tenant_id, user_id)]

    def publish(self, events: list[dict[str, Any]]) -> None:
        """Hand each event to every stream of its user (a full, stalled stream loses it)."""
        for event in events:
            owner = (event.get("tenant_id", DEFAULT_TENANT), event["user_id"])
            for queue in self._subscribers.get(owner, ()):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    log.warning(
                        "stream of user %s is full; dropped event %s", event["user_id"], event["id"]
                    )
