"""The payment service process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.db import open_service_database
from shopstack.payment.routes import router
from shopstack.payment.tables import metadata
from shopstack.runtime_config.follow import following_config
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.engine = open_service_database(settings, "payment", metadata)
    try:
        async with following_config(app, settings, "payment"):
            yield
    finally:
        app.state.engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("payment", [router], lifespan=lifespan)
