"""One database per service: a SQLite file in the state dir, or a PostgreSQL schema.

On SQLite every connection runs in WAL mode with a busy timeout, and write transactions that
must not interleave (stock reservation, idempotency claims) take the write lock up front with
``BEGIN IMMEDIATE`` through :func:`write_transaction`. On PostgreSQL each service gets the
schema ``<namespace>_<service>`` and selects it with ``search_path``; the same URL (without any
password) is what platform.json publishes, so notebooks query the same tables the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, create_engine, make_url

from shopstack.settings import Settings


def schema_name(settings: Settings, service: str) -> str:
    return f"{settings.db_namespace}_{service}"


def _postgres_base(raw_url: str) -> URL:
    url = make_url(raw_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError(
            f"SHOPSTACK_DATABASE_URL must be a postgresql:// URL, got {url.get_backend_name()!r}"
        )
    return url.set(drivername="postgresql+psycopg")


def service_database_url(settings: Settings, service: str, *, hide_password: bool = True) -> str:
    """The SQLAlchemy URL of one service's database."""
    if settings.database_url is None:
        return f"sqlite:///{settings.state_dir / (service + '.db')}"
    url = _postgres_base(settings.database_url)
    query = dict(url.query)
    query["options"] = f"-csearch_path={schema_name(settings, service)}"
    url = url.set(query=query)
    if hide_password:
        url = url.set(password=None)
    return url.render_as_string(hide_password=False)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001 - DBAPI types
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below take control
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    """An engine for a service database URL (SQLite or PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write lock from its first statement (SQLite) or runs at
    READ COMMITTED with row locks taken by the caller (PostgreSQL)."""
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def ensure_schema(settings: Settings, service: str) -> None:
    """Create the service's PostgreSQL schema if it does not exist (no-op on SQLite)."""
    if settings.database_url is None:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        return
    engine = create_engine(_postgres_base(settings.database_url))
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name(settings, service)}"'))
    finally:
        engine.dispose()


def drop_schemas(settings: Settings, services: tuple[str, ...]) -> None:
    """Remove every service schema of this namespace (``shopstack up --fresh`` on PostgreSQL)."""
    if settings.database_url is None:
        return
    engine = create_engine(_postgres_base(settings.database_url))
    try:
        with engine.begin() as conn:
            for service in services:
                conn.execute(
                    text(f'DROP SCHEMA IF EXISTS "{schema_name(settings, service)}" CASCADE')
                )
    finally:
        engine.dispose()


class OutdatedSchema(RuntimeError):
    """A table was created by an older shopstack and lacks a column this one needs."""


def check_columns(engine: Engine, metadata: MetaData, service: str) -> None:
    """OutdatedSchema naming the first table with a missing column (e.g. ``tenant_id``, added
    with tenants): ``create_all`` creates missing tables but never alters existing ones."""
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing = sorted(column.name for column in table.columns if column.name not in present)
        if missing:
            raise OutdatedSchema(
                f"{service} database: table {table.name!r} lacks {', '.join(missing)} "
                "(made by an older shopstack): run `shopstack up --fresh` to recreate it"
            )


def open_service_database(settings: Settings, service: str, metadata: MetaData) -> Engine:
    """Create schema and tables for a service and return its engine (OutdatedSchema when an
    existing table lacks a column)."""
    ensure_schema(settings, service)
    engine = make_engine(service_database_url(settings, service, hide_password=False))
    metadata.create_all(engine)
    from shopstack.schema_version import record  # imports the tables' metadata lazily

    record(engine, service, metadata)
    check_columns(engine, metadata, service)
    return engine


__all__ = [
    "OutdatedSchema",
    "check_columns",
    "drop_schemas",
    "ensure_schema",
    "is_sqlite",
    "make_engine",
    "open_service_database",
    "schema_name",
    "service_database_url",
    "write_transaction",
]
