"""The gateway process: identity, routing to the services, retries, breakers, one OpenAPI."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from starlette.middleware import Middleware

from shopstack.downstream import Downstream
from shopstack.gateway.body_guard import BodyGuard
from shopstack.gateway.methods import MethodGuard
from shopstack.gateway.openapi import install_openapi
from shopstack.gateway.routes import (
    admin,
    cart,
    checkout,
    config,
    events,
    health,
    orders,
    products,
)
from shopstack.runtime_config.schema import defaults as config_defaults
from shopstack.runtime_config.store import open_config_database
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app

log = logging.getLogger("shopstack.gateway")

DESCRIPTION = (
    "The public API of shopstack, the reference e-commerce platform of phasebook. "
    'Every error body is `{"error": <message>, "code": <machine code>}`.'
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    if settings.auth_mode == "mock":
        log.warning("mock auth: for test environments only (X-User-Id selects the user)")
    if not settings.admin_token:
        log.info("admin routes disabled (SHOPSTACK_ADMIN_TOKEN unset)")
    if os.environ.get("SHOPSTACK_TEST_BREAK_CONTRACT") == "1":
        log.warning(
            "TEST-ONLY: SHOPSTACK_TEST_BREAK_CONTRACT=1, GET /api/v1/cart breaks its OpenAPI"
        )
    app.state.downstream = Downstream("gateway", timeout_s=settings.downstream_timeout_s)
    app.state.probe = httpx.AsyncClient(trust_env=False)
    app.state.config_engine = open_config_database(settings)
    app.state.config_defaults = config_defaults(settings)
    try:
        yield
    finally:
        app.state.config_engine.dispose()
        await app.state.probe.aclose()
        await app.state.downstream.aclose()


def _guard_the_edge(app: FastAPI, *, max_body_bytes: int) -> None:
    """Bounded bodies, honest OPTIONS/405, and no redirect that could echo a client's Host.

    The guards go inside the request-id/metrics middleware, so their answers are counted and
    carry an ``X-Request-ID`` like every other."""
    app.router.redirect_slashes = False
    # A late-bound call: the document is built (and cached) by install_openapi's builder.
    app.user_middleware.append(Middleware(MethodGuard, openapi=lambda: app.openapi()))
    app.user_middleware.append(Middleware(BodyGuard, max_body_bytes=max_body_bytes))


def create_app(*, max_body_bytes: int | None = None) -> FastAPI:
    """The gateway app; ``max_body_bytes`` defaults to ``SHOPSTACK_MAX_BODY_BYTES`` (1 MiB)."""
    routers = [health, products, cart, checkout, orders, events, admin, config]
    app = create_service_app(
        "gateway",
        [module.router for module in routers],
        lifespan=lifespan,
        title="shopstack",
        description=DESCRIPTION,
        public_docs=True,
    )
    if max_body_bytes is None:
        max_body_bytes = get_settings().max_body_bytes
    install_openapi(app)
    _guard_the_edge(app, max_body_bytes=max_body_bytes)
    return app
