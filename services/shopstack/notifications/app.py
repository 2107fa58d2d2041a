"""The notifications service process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.db import open_service_database
from shopstack.notifications.routes import router
from shopstack.notifications.tables import metadata
from shopstack.settings import get_settings
from shopstack.webapp import create_service_app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.engine = open_service_database(get_settings(), "notifications", metadata)
    try:
        yield
    finally:
        app.state.engine.dispose()


def create_app() -> FastAPI:
    return create_service_app("notifications", [router], lifespan=lifespan)
