"""The payment service process."""

from __future__ import annotations

from fastapi import FastAPI

from shopstack.payment.routes import router
from shopstack.payment.tables import metadata
from shopstack.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app("payment", [router], tables=metadata)
