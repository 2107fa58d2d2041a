"""The gateway process: identity, routing to the services, retries, breakers, one OpenAPI."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from shopstack.downstream import Downstream
from shopstack.gateway.openapi import install_openapi
from shopstack.gateway.routes import admin, cart, checkout, events, health, orders, products
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
    app.state.downstream = Downstream("gateway", timeout_s=settings.downstream_timeout_s)
    app.state.probe = httpx.AsyncClient(trust_env=False)
    try:
        yield
    finally:
        await app.state.probe.aclose()
        await app.state.downstream.aclose()


def create_app() -> FastAPI:
    routers = [health, products, cart, checkout, orders, events, admin]
    app = create_service_app(
        "gateway",
        [module.router for module in routers],
        lifespan=lifespan,
        title="shopstack",
        description=DESCRIPTION,
        public_docs=True,
    )
    install_openapi(app)
    return app
