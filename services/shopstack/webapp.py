"""The FastAPI application every shopstack service is built on.

It adds what all services share: ``/health``, ``/metrics``, the error model, request ids and
request metrics. A service contributes its routers and, optionally, a lifespan that opens its
database and starts its background loops.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import APIRouter, FastAPI

from shopstack.errors import install_error_handlers
from shopstack.metrics import MetricsAndRequestId, metrics_response

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def _no_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield


def create_service_app(
    service: str,
    routers: Sequence[APIRouter],
    *,
    lifespan: Lifespan | None = None,
    title: str | None = None,
    description: str = "",
    version: str = "1.0.0",
    public_docs: bool = False,
) -> FastAPI:
    app = FastAPI(
        title=title or f"shopstack {service}",
        description=description,
        version=version,
        lifespan=lifespan or _no_lifespan,
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
