"""The inventory service process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shopstack.inventory.expiry import expire_forever
from shopstack.inventory.routes import router
from shopstack.inventory.stock import seed_if_empty
from shopstack.inventory.tables import metadata
from shopstack.webapp import ServiceContext, create_service_app


@asynccontextmanager
async def inventory_service(context: ServiceContext) -> AsyncIterator[None]:
    """Seeded stock, and the loop that releases expired reservations while inventory serves."""
    seed_if_empty(context.engine)
    context.run_in_background(
        expire_forever(context.engine, ttl_s=context.settings.reservation_ttl_s)
    )
    yield


def create_app() -> FastAPI:
    return create_service_app("inventory", [router], tables=metadata, resources=inventory_service)
