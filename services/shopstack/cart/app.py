"""The cart service process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.cart.cache import open_cache
from shopstack.cart.products import CatalogProducts
from shopstack.cart.repository import CartRepository
from shopstack.cart.routes import router
from shopstack.cart.service import CartService
from shopstack.cart.tables import metadata
from shopstack.db import open_service_database
from shopstack.downstream import Downstream
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    engine = open_service_database(settings, "cart", metadata)
    downstream = Downstream("cart", timeout_s=settings.downstream_timeout_s)
    cache = open_cache(settings.redis_url)
    app.state.cart = CartService(CartRepository(engine), cache, CatalogProducts(downstream))
    try:
        yield
    finally:
        await cache.aclose()
        await downstream.aclose()
        engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("cart", [router], lifespan=lifespan)
