"""The outbox relay: publishes committed outbox rows to their consumers, at least once.

Woken right after a commit that wrote outbox rows (an ``asyncio.Event``) and by a periodic poll
(rows left by a crash, by recovery, or waiting for a retry). Each row is delivered in its own
task to every consumer of its type (``POST {consumer}/events``); ``processed_at`` is set only
once all of them acknowledged with a 2xx. A failed delivery is retried with exponential backoff
(the row stays unprocessed; consumers are idempotent by event id, so repeats are harmless).
A consumer that is held back (``notifications.enabled`` false) is skipped: its rows wait in
the outbox, and the consumers that already acknowledged a row are not sent it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from shopstack.checkout.adapters import outbox
from shopstack.contracts import CONSUMERS, Delivery
from shopstack.downstream import Downstream
from shopstack.errors import ShopError

log = logging.getLogger("shopstack.checkout.relay")


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        downstream: Downstream,
        *,
        poll_s: float = 1.0,
        concurrency: int = 32,
        batch: int = 200,
        max_backoff_s: float = 30.0,
        held_back: Callable[[str], bool] = lambda _consumer: False,
    ) -> None:
        self.engine = engine
        self.downstream = downstream
        self.poll_s = poll_s
        self.batch = batch
        self.max_backoff_s = max_backoff_s
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[str] = set()
        self._retry: dict[str, tuple[int, float]] = {}  # id -> (failed attempts, due time)
        self._tasks: set[asyncio.Task] = set()
        #: consumers not delivered to for now (notifications.enabled = false): rows wait
        self.held_back = held_back
        self._acked: dict[str, set[str]] = {}  # id -> consumers that acknowledged it

    def wake(self) -> None:
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_s)
            self._wake.clear()
            try:
                await self.dispatch()
            except Exception:
                log.exception("outbox relay pass failed")

    async def dispatch(self) -> int:
        """Start a delivery task for every due, unprocessed row; how many were started."""
        now = asyncio.get_running_loop().time()
        waiting = {eid for eid, (_, due) in self._retry.items() if due > now}
        rows = await run_in_threadpool(
            outbox.pending, self.engine, limit=self.batch, skip=self._in_flight | waiting
        )
        for row in rows:
            if row.id in self._in_flight:
                continue
            self._in_flight.add(row.id)
            task = asyncio.create_task(self._publish(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(rows)

    async def _publish(self, row: Delivery) -> None:
        try:
            async with self._slots:
                delivered = await self.deliver(row)
            if delivered:
                await run_in_threadpool(outbox.mark_processed, self.engine, row.id)
                self._retry.pop(row.id, None)
            else:
                self._schedule_retry(row.id)
        except Exception:
            log.exception("outbox event %s: delivery failed", row.id)
            self._schedule_retry(row.id)
        finally:
            self._in_flight.discard(row.id)

    async def deliver(self, row: Delivery) -> bool:
        """Send to every consumer that has not acknowledged yet and is not held back; True
        once all consumers acknowledged."""
        consumers = CONSUMERS.get(row.event_type, ())
        acked = self._acked.setdefault(row.id, set())
        due = [c for c in consumers if c not in acked and not self.held_back(c)]
        acks = await asyncio.gather(*(self._send(consumer, row) for consumer in due))
        acked.update(consumer for consumer, ok in zip(due, acks, strict=True) if ok)
        if acked.issuperset(consumers):
            self._acked.pop(row.id, None)
            return True
        return False

    def retry_now(self) -> None:
        """Forget the backoff of waiting rows and deliver them (a consumer is back)."""
        self._retry.clear()
        self.wake()

    async def _send(self, consumer: str, row: Delivery) -> bool:
        try:
            response = await self.downstream.call(
                consumer, "POST", "/events", json=row.model_dump(mode="json"), idempotent=True
            )
        except ShopError as exc:
            log.warning("outbox event %s -> %s: %s", row.id, consumer, exc.message)
            return False
        if 200 <= response.status_code < 300:
            return True
        log.warning("outbox event %s -> %s answered %d", row.id, consumer, response.status_code)
        return False

    def _schedule_retry(self, event_id: str) -> None:
        attempts = self._retry.get(event_id, (0, 0.0))[0] + 1
        delay = min(self.max_backoff_s, 0.2 * 2 ** (attempts - 1))
        loop = asyncio.get_running_loop()
        self._retry[event_id] = (attempts, loop.time() + delay)
        loop.call_later(delay, self.wake)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
