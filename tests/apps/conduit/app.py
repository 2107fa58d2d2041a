"""Build the conduit FastAPI app: tables created on first start, no ``/health`` route."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from . import routes_articles, routes_users
from .models import Base
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = create_engine(settings.database_url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    app = FastAPI(title="conduit", version="1.0", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.include_router(routes_users.router)
    app.include_router(routes_articles.router)
    return app


def _sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001 - DBAPI connection
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
