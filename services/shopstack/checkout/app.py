"""The checkout service process: HTTP routes, the event stream, the outbox relay and the
recovery loop (both background tasks of this process)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.checkout.adapters.clients import HttpServices
from shopstack.checkout.adapters.sql import sql_unit_of_work
from shopstack.checkout.adapters.tables import metadata
from shopstack.checkout.entrypoints.events import router as events_router
from shopstack.checkout.entrypoints.routes import router
from shopstack.checkout.entrypoints.stream import router as stream_router
from shopstack.checkout.service_layer.broadcaster import Broadcaster
from shopstack.checkout.service_layer.config_log import log_versions
from shopstack.checkout.service_layer.pause import PausePoint
from shopstack.checkout.service_layer.recovery import recover_forever
from shopstack.checkout.service_layer.relay import OutboxRelay
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.downstream import Downstream
from shopstack.runtime_config.store import Version
from shopstack.runtime_config.watcher import RuntimeConfig
from shopstack.webapp import ServiceContext, create_service_app


@asynccontextmanager
async def checkout_runtime(context: ServiceContext) -> AsyncIterator[None]:
    """The saga's runtime, the outbox relay and the recovery loop."""
    timeout_s = context.settings.downstream_timeout_s
    saga_calls = Downstream("checkout", timeout_s=timeout_s)
    # the relay has its own client: its retries must not open the saga's circuit breakers
    relay_calls = Downstream("checkout-relay", timeout_s=max(5.0, timeout_s), attempts=2)
    config = context.app.state.config
    relay = OutboxRelay(
        context.engine,
        relay_calls,
        held_back=lambda consumer: (
            consumer == "notifications" and not config.get("notifications.enabled")
        ),
    )
    runtime = Runtime(
        uow=sql_unit_of_work(context.engine),
        services=HttpServices(saga_calls, config=config),
        broadcaster=Broadcaster(),
        wake_relay=relay.wake,
        pause=PausePoint.from_env(),
        config_version=lambda: config.version,
    )
    context.app.state.runtime = runtime
    follow_config_changes(runtime, config, relay)
    context.run_in_background(relay.run_forever())  # cancelled before the finally below
    context.run_in_background(recover_forever(runtime))
    try:
        yield
    finally:
        await relay.aclose()
        await saga_calls.aclose()
        await relay_calls.aclose()


def follow_config_changes(runtime: Runtime, config: RuntimeConfig, relay: OutboxRelay) -> None:
    """On a new configuration version: log ``config.changed``; deliver held-back rows."""

    async def changed(_previous: Version, latest: Version) -> None:
        relay.retry_now()
        await runtime.offload(log_versions, runtime.uow, config, latest.version)

    config.on_change(changed)
    if config.version:  # versions made while this process was down
        log_versions(runtime.uow, config, config.version)


def create_app() -> FastAPI:
    return create_service_app(
        "checkout",
        [router, events_router, stream_router],
        tables=metadata,
        resources=checkout_runtime,
    )
