"""What the checkout's service layer works with, gathered in one object per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from shopstack.checkout.adapters import sessions
from shopstack.checkout.adapters.clients import Services
from shopstack.checkout.service_layer.broadcaster import Broadcaster
from shopstack.checkout.service_layer.pause import PausePoint

T = TypeVar("T")


@dataclass
class Runtime:
    engine: Engine
    services: Services
    broadcaster: Broadcaster
    wake_relay: Callable[[], None]
    pause: PausePoint = field(default_factory=PausePoint)
    #: sessions a saga of this process is driving right now (recovery leaves them alone)
    active: set[str] = field(default_factory=set)

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking repository call in the thread pool."""
        return await run_in_threadpool(fn, self.engine, *args, **kwargs)

    def published(self, recorded: sessions.Recorded) -> None:
        """After a commit: stream the new events, wake the relay if the outbox grew."""
        self.broadcaster.publish(recorded.events)
        if recorded.outbox_written:
            self.wake_relay()

    async def record(self, step: sessions.Transition) -> sessions.Recorded:
        recorded = await self.db(sessions.apply, step)
        self.published(recorded)
        return recorded
