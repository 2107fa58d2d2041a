"""Each service records the version of its database schema (seed 000's "Contracts" row).

The version is a fingerprint of the service's tables as the code defines them: every table,
column, type, nullability and primary key, hashed. ``open_service_database`` writes it to the
service's ``schema_version`` table (``service``, ``version``, ``applied_at``) each start, so a
notebook can read what the running platform's databases were built for and compare it with
the committed contract, ``contracts/schema_versions.json``:

    python -m shopstack.schema_version > contracts/schema_versions.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from importlib import import_module

from sqlalchemy import Column, DateTime, MetaData, String, Table, delete, insert
from sqlalchemy.engine import Engine

# The service → module holding its SQLAlchemy ``metadata``.
TABLE_MODULES = {
    "catalog": "shopstack.catalog.tables",
    "cart": "shopstack.cart.tables",
    "inventory": "shopstack.inventory.tables",
    "payment": "shopstack.payment.tables",
    "checkout": "shopstack.checkout.adapters.tables",
    "orders": "shopstack.orders.tables",
    "notifications": "shopstack.notifications.tables",
}

_versions = MetaData()
schema_version = Table(
    "schema_version",
    _versions,
    Column("service", String(40), primary_key=True),
    Column("version", String(16), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def fingerprint(metadata: MetaData) -> str:
    """A 12-hex-digit hash of the tables' definitions (order-independent)."""
    lines = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        for column in sorted(table.columns, key=lambda c: c.name):
            kind = type(column.type).__name__
            lines.append(
                f"{table.name}.{column.name}:{kind}:{column.nullable}:{column.primary_key}"
            )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def record(engine: Engine, service: str, metadata: MetaData) -> str:
    """Write ``service``'s schema version to its database; return it."""
    version = fingerprint(metadata)
    _versions.create_all(engine)
    with engine.begin() as connection:
        connection.execute(delete(schema_version).where(schema_version.c.service == service))
        connection.execute(
            insert(schema_version).values(
                service=service, version=version, applied_at=dt.datetime.now(dt.UTC)
            )
        )
    return version


def expected_versions() -> dict[str, str]:
    """Every service's schema version as this code defines it."""
    return {
        service: fingerprint(import_module(module).metadata)
        for service, module in TABLE_MODULES.items()
    }


def main() -> int:
    json.dump(expected_versions(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
