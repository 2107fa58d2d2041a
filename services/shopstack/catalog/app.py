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
from shopstack.db import open_service_database
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app

log = logging.getLogger("shopstack.catalog")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = open_service_database(get_settings(), "catalog", metadata)
    repository = ProductRepository(engine)
    seeded = repository.seed_if_empty(load_seed_products())
    if seeded:
        log.info("seeded %d products", seeded)
    app.state.catalog = Catalog(repository)
    try:
        yield
    finally:
        engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("catalog", [router], lifespan=lifespan)
