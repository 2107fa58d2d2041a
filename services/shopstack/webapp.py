"""The FastAPI application every shopstack service is built on.

It adds what all services share: ``/health``, ``/metrics``, the error model, request ids and
request metrics — and the service's lifespan. A service names its tables and, optionally, the
resources it holds while it serves (clients, caches, background loops); ``create_service_app``
opens the service's database (``app.state.engine``), enters the resources, and on shutdown
undoes it all in reverse order: background tasks cancelled, resources closed, engine disposed.
Every service also follows the runtime configuration (``app.state.config``, hot reload).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

from shopstack.db import open_service_database
from shopstack.errors import install_error_handlers
from shopstack.metrics import MetricsAndRequestId, metrics_response
from shopstack.runtime_config.follow import following_config
from shopstack.settings import Settings, get_settings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@dataclass
class ServiceContext:
    """What a service's resources are opened with."""

    app: FastAPI
    settings: Settings
    engine: Engine | None
    _tasks: list[asyncio.Task] = field(default_factory=list)

    def run_in_background(self, loop: Coroutine[Any, Any, None]) -> None:
        """Run a loop while the service serves; it is cancelled at shutdown."""
        self._tasks.append(asyncio.create_task(loop))

    async def stop_background(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


#: A service's resources: entered after its database opened, exited before it is disposed.
Resources = Callable[[ServiceContext], AbstractAsyncContextManager[None]]


def service_lifespan(
    service: str, *, tables: MetaData | None, resources: Resources | None
) -> Lifespan:
    """The lifespan of a service with these tables and resources."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = get_settings()
        async with AsyncExitStack() as stack:
            engine = None
            if tables is not None:
                engine = open_service_database(settings, service, tables)
                stack.callback(engine.dispose)
            app.state.engine = engine
            await stack.enter_async_context(following_config(app, settings, service))
            context = ServiceContext(app, settings, engine)
            if resources is not None:
                await stack.enter_async_context(resources(context))
            stack.push_async_callback(context.stop_background)
            yield

    return lifespan


def create_service_app(
    service: str,
    routers: Sequence[APIRouter],
    *,
    tables: MetaData | None = None,
    resources: Resources | None = None,
    lifespan: Lifespan | None = None,
    title: str | None = None,
    description: str = "",
    version: str = "1.0.0",
    public_docs: bool = False,
) -> FastAPI:
    """A service app. ``tables``/``resources`` build its lifespan; ``lifespan`` replaces that
    for a process without a database of its own (the gateway)."""
    if lifespan is not None and (tables is not None or resources is not None):
        raise ValueError("give either lifespan or tables/resources, not both")
    app = FastAPI(
        title=title or f"shopstack {service}",
        description=description,
        version=version,
        lifespan=lifespan or service_lifespan(service, tables=tables, resources=resources),
        docs_url="/docs" if public_docs else None,
        redoc_url=None,
    )
    app.state.service = service
    install_error_handlers(app)

    @app.get("/health", tags=["health"], summary="Liveness of this process")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics():  # noqa: ANN202 - plain text response
        return metrics_response()

    for router in routers:
        app.include_router(router)
    app.add_middleware(MetricsAndRequestId, service=service)
    logging.getLogger("shopstack").info("%s ready to serve", service)
    return app
