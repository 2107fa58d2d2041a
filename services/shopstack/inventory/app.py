"""The inventory service process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.db import open_service_database
from shopstack.inventory.expiry import expire_forever
from shopstack.inventory.routes import router
from shopstack.inventory.stock import seed_if_empty
from shopstack.inventory.tables import metadata
from shopstack.runtime_config.follow import following_config
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    engine = open_service_database(settings, "inventory", metadata)
    seed_if_empty(engine)
    app.state.engine = engine
    expiry = asyncio.create_task(expire_forever(engine, ttl_s=settings.reservation_ttl_s))
    try:
        async with following_config(app, settings, "inventory"):
            yield
    finally:
        expiry.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await expiry
        engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("inventory", [router], lifespan=lifespan)
