"""Every configuration version in the ``config`` database: one row per change, never updated.

Version 0 is the defaults (no row); version n is the whole settings after the n-th change.
The gateway writes, every service reads. Concurrent changes get consecutive versions: the
version is the primary key, and a writer that loses the race retries on the new latest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, Table, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from shopstack.db import open_service_database, write_transaction
from shopstack.settings import Settings
from shopstack.wire import utcnow

metadata = MetaData()

config_versions = Table(
    "config_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("settings", JSON, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

_WRITE_ATTEMPTS = 5


@dataclass(frozen=True)
class Version:
    version: int
    settings: dict[str, Any]
    changes: dict[str, Any]


def open_config_database(settings: Settings, *, attempts: int = 20) -> Engine:
    """The ``config`` database (created if missing). ``shopstack up`` creates it before the
    services start; a process that races another one creating it retries briefly."""
    for attempt in range(attempts):
        try:
            return open_service_database(settings, "config", metadata)
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


def _latest(conn: Connection) -> Any:
    return (
        conn.execute(select(config_versions).order_by(config_versions.c.version.desc()).limit(1))
        .mappings()
        .first()
    )


def latest(engine: Engine, defaults: dict[str, Any]) -> Version:
    with engine.connect() as conn:
        row = _latest(conn)
    if row is None:
        return Version(0, dict(defaults), {})
    return Version(row["version"], {**defaults, **row["settings"]}, row["changes"])


def at(engine: Engine, version: int, defaults: dict[str, Any]) -> Version | None:
    """The settings of one version (None if it does not exist)."""
    if version == 0:
        return Version(0, dict(defaults), {})
    with engine.connect() as conn:
        row = (
            conn.execute(select(config_versions).where(config_versions.c.version == version))
            .mappings()
            .first()
        )
    if row is None:
        return None
    return Version(row["version"], {**defaults, **row["settings"]}, row["changes"])


def change(engine: Engine, changes: dict[str, Any], defaults: dict[str, Any]) -> Version:
    """Store the next version: the latest settings with ``changes`` applied."""
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            with write_transaction(engine) as conn:
                row = _latest(conn)
                current = {**defaults, **(row["settings"] if row else {})}
                version = (row["version"] if row else 0) + 1
                merged = {**current, **changes}
                conn.execute(
                    config_versions.insert().values(
                        version=version, settings=merged, changes=changes, created_at=utcnow()
                    )
                )
            return Version(version, merged, changes)
        except IntegrityError:  # another change took this version first (PostgreSQL)
            if attempt == _WRITE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
