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
from shopstack.downstream import Downstream
from shopstack.webapp import ServiceContext, create_service_app


@asynccontextmanager
async def cart_service(context: ServiceContext) -> AsyncIterator[None]:
    """The cart's cache and catalogue client, around its repository."""
    downstream = Downstream("cart", timeout_s=context.settings.downstream_timeout_s)
    cache = open_cache(context.settings.redis_url, namespace=context.settings.db_namespace)
    repository = CartRepository(context.engine)
    context.app.state.cart = CartService(repository, cache, CatalogProducts(downstream))
    try:
        yield
    finally:
        await cache.aclose()
        await downstream.aclose()


def create_app() -> FastAPI:
    return create_service_app("cart", [router], tables=metadata, resources=cart_service)
