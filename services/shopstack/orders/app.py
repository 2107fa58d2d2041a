"""The orders service process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.db import open_service_database
from shopstack.orders.routes import router
from shopstack.orders.tables import metadata
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.engine = open_service_database(get_settings(), "orders", metadata)
    try:
        yield
    finally:
        app.state.engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("orders", [router], lifespan=lifespan)
