"""The notifications service process."""

from __future__ import annotations

from fastapi import FastAPI

from shopstack.notifications.routes import router
from shopstack.notifications.tables import metadata
from shopstack.webapp import create_service_app


def create_app() -> FastAPI:
    return create_service_app("notifications", [router], tables=metadata)
