"""The catalog service process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.catalog.repository import ProductRepository
from shopstack.catalog.routes import router
from shopstack.catalog.seed import load_seed_products
from shopstack.catalog.service import Catalog
from shopstack.catalog.tables import metadata
from shopstack.webapp import ServiceContext, create_service_app

log = logging.getLogger("shopstack.catalog")


@asynccontextmanager
async def catalog_service(context: ServiceContext) -> AsyncIterator[None]:
    """The catalogue over its repository, seeded with the demo products when empty."""
    repository = ProductRepository(context.engine)
    seeded = repository.seed_if_empty(load_seed_products())
    if seeded:
        log.info("seeded %d products", seeded)
    context.app.state.catalog = Catalog(repository)
    yield


def create_app() -> FastAPI:
    return create_service_app("catalog", [router], tables=metadata, resources=catalog_service)
