"""The checkout service process: HTTP routes, the event stream, the outbox relay and the
recovery loop (both background tasks of this process)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.checkout.adapters.clients import Services
from shopstack.checkout.adapters.tables import metadata
from shopstack.checkout.entrypoints.routes import router
from shopstack.checkout.entrypoints.stream import router as stream_router
from shopstack.checkout.service_layer.broadcaster import Broadcaster
from shopstack.checkout.service_layer.pause import PausePoint
from shopstack.checkout.service_layer.recovery import recover_forever
from shopstack.checkout.service_layer.relay import OutboxRelay
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.db import open_service_database
from shopstack.downstream import Downstream
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    engine = open_service_database(settings, "checkout", metadata)
    saga_calls = Downstream("checkout", timeout_s=settings.downstream_timeout_s)
    # the relay has its own client: its retries must not open the saga's circuit breakers
    relay_calls = Downstream(
        "checkout-relay", timeout_s=max(5.0, settings.downstream_timeout_s), attempts=2
    )
    relay = OutboxRelay(engine, relay_calls)
    runtime = Runtime(
        engine=engine,
        services=Services(saga_calls),
        broadcaster=Broadcaster(),
        wake_relay=relay.wake,
        pause=PausePoint.from_env(),
    )
    app.state.runtime = runtime
    tasks = [
        asyncio.create_task(relay.run_forever()),
        asyncio.create_task(recover_forever(runtime)),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await relay.aclose()
        await saga_calls.aclose()
        await relay_calls.aclose()
        engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("checkout", [router, stream_router], lifespan=lifespan)
