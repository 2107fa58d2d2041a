"""What the checkout's service layer works with, gathered in one object per process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from shopstack.checkout.domain.session import CheckoutSession, Step
from shopstack.checkout.service_layer.broadcaster import Broadcaster
from shopstack.checkout.service_layer.pause import PausePoint
from shopstack.checkout.service_layer.ports import Services
from shopstack.checkout.service_layer.unit_of_work import (
    Recorded,
    UnitOfWork,
    UnitOfWorkFactory,
    record_new,
    record_step,
)

T = TypeVar("T")

#: How blocking work (a unit of work) is run from async code: a worker thread by default.
Offload = Callable[..., Awaitable[Any]]


@dataclass
class Runtime:
    uow: UnitOfWorkFactory
    services: Services
    broadcaster: Broadcaster
    wake_relay: Callable[[], None]
    pause: PausePoint = field(default_factory=PausePoint)
    #: sessions a saga of this process is driving right now (recovery leaves them alone)
    active: set[str] = field(default_factory=set)
    offload: Offload = run_in_threadpool
    #: the version of the runtime configuration a new checkout starts under
    config_version: Callable[[], int] = lambda: 0

    async def read(self, query: Callable[[UnitOfWork], T]) -> T:
        """Run a read-only query in a unit of work of its own."""

        def in_unit() -> T:
            with self.uow() as uow:
                return query(uow)

        return await self.offload(in_unit)

    def published(self, recorded: Recorded) -> None:
        """After a commit: stream the new events, wake the relay if the outbox grew."""
        self.broadcaster.publish(recorded.events)
        if recorded.outbox_written:
            self.wake_relay()

    async def record(self, step: Step) -> None:
        self.published(await self.offload(record_step, self.uow(write=True), step))

    async def record_new(self, session: CheckoutSession) -> None:
        """Insert the session; IdempotencyKeyTaken when another request has its key."""
        self.published(await self.offload(record_new, self.uow(write=True), session))
