"""The orders service process."""

from __future__ import annotations

from fastapi import FastAPI

from shopstack.orders.routes import router
from shopstack.orders.tables import metadata
from shopstack.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app("orders", [router], tables=metadata)
