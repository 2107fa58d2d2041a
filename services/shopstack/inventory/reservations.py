"""Reservations: all-or-nothing, idempotent by checkout id, atomic on SQLite and PostgreSQL.

Each stock line is taken with a conditional ``UPDATE stock SET quantity = quantity - q WHERE
product_id = p AND quantity >= q`` inside one write transaction, lines in product-id order. On
SQLite the transaction holds the write lock from BEGIN IMMEDIATE; on PostgreSQL the UPDATE takes
the row lock and re-checks the condition after a competing commit. Either way stock can never
go negative, and a short line rolls back every line taken before it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from shopstack.db import write_transaction
from shopstack.inventory.domain import (
    CONFIRMED,
    EXPIRED,
    RELEASED,
    RESERVED,
    InsufficientStock,
    ReservationLine,
    ReservationNotActive,
    merge_lines,
)
from shopstack.inventory.stock import available
from shopstack.inventory.tables import reservation_lines, reservations, stock
from shopstack.wire import utcnow


def _find(conn: Connection, *, checkout_id: str | None = None, reservation_id: str | None = None):
    query = select(reservations)
    if checkout_id is not None:
        query = query.where(reservations.c.checkout_id == checkout_id)
    else:
        query = query.where(reservations.c.id == reservation_id)
    return conn.execute(query).mappings().first()


def _take_stock(conn: Connection, lines: list[ReservationLine]) -> None:
    for line in lines:
        taken = conn.execute(
            stock.update()
            .where(stock.c.product_id == line.product_id, stock.c.quantity >= line.quantity)
            .values(quantity=stock.c.quantity - line.quantity)
        ).rowcount
        if taken != 1:
            raise InsufficientStock(
                line.product_id, available(conn, line.product_id), line.quantity
            )


def reserve(
    engine: Engine, checkout_id: str, lines: list[ReservationLine], *, ttl_s: float
) -> dict[str, Any]:
    """Reserve every line or none; the same checkout id always gets the same reservation."""
    merged = merge_lines(lines)
    try:
        with write_transaction(engine) as conn:
            existing = _find(conn, checkout_id=checkout_id)
            if existing is not None:
                return dict(existing)
            _take_stock(conn, merged)
            now = utcnow()
            row = {
                "id": str(uuid.uuid4()),
                "checkout_id": checkout_id,
                "status": RESERVED,
                "expires_at": now + timedelta(seconds=ttl_s),
                "created_at": now,
            }
            conn.execute(reservations.insert().values(**row))
            conn.execute(
                reservation_lines.insert(),
                [{"reservation_id": row["id"], **vars(line)} for line in merged],
            )
            return row
    except IntegrityError:  # a concurrent request for the same checkout won the insert
        with engine.connect() as conn:
            return dict(_find(conn, checkout_id=checkout_id))


def _return_stock(conn: Connection, reservation_id: str, *, to_status: str) -> bool:
    """RESERVED -> to_status and its stock back, or False when it was not RESERVED."""
    changed = conn.execute(
        reservations.update()
        .where(reservations.c.id == reservation_id, reservations.c.status == RESERVED)
        .values(status=to_status)
    ).rowcount
    if not changed:
        return False
    lines = conn.execute(
        select(reservation_lines).where(reservation_lines.c.reservation_id == reservation_id)
    ).mappings()
    for line in sorted(lines, key=lambda row: row["product_id"]):
        conn.execute(
            stock.update()
            .where(stock.c.product_id == line["product_id"])
            .values(quantity=stock.c.quantity + line["quantity"])
        )
    return True


def release(engine: Engine, reservation_id: str) -> str | None:
    """Release a reservation (idempotent); its status afterwards, None when unknown."""
    with write_transaction(engine) as conn:
        _return_stock(conn, reservation_id, to_status=RELEASED)
        row = _find(conn, reservation_id=reservation_id)
        return None if row is None else row["status"]


def release_for_checkout(engine: Engine, checkout_id: str) -> dict[str, Any]:
    """Release whatever a checkout reserved. With no reservation yet, record a RELEASED
    tombstone, so a reserve request still in flight for that checkout cannot take stock."""
    try:
        with write_transaction(engine) as conn:
            row = _find(conn, checkout_id=checkout_id)
            if row is None:
                now = utcnow()
                tombstone = {
                    "id": str(uuid.uuid4()),
                    "checkout_id": checkout_id,
                    "status": RELEASED,
                    "expires_at": now,
                    "created_at": now,
                }
                conn.execute(reservations.insert().values(**tombstone))
                return tombstone
            _return_stock(conn, row["id"], to_status=RELEASED)
            return dict(_find(conn, checkout_id=checkout_id))
    except IntegrityError:
        return release_for_checkout(engine, checkout_id)


def confirm(engine: Engine, reservation_id: str) -> str | None:
    """RESERVED -> CONFIRMED (idempotent); None when unknown; raises when released/expired."""
    with write_transaction(engine) as conn:
        conn.execute(
            reservations.update()
            .where(reservations.c.id == reservation_id, reservations.c.status == RESERVED)
            .values(status=CONFIRMED)
        )
        row = _find(conn, reservation_id=reservation_id)
    if row is None:
        return None
    if row["status"] != CONFIRMED:
        raise ReservationNotActive(reservation_id, row["status"])
    return CONFIRMED


def expire_due(engine: Engine, *, now: datetime | None = None, batch: int = 200) -> int:
    """Return the stock of reservations past their expiry; how many expired."""
    moment = now or utcnow()
    with engine.connect() as conn:
        due = conn.execute(
            select(reservations.c.id)
            .where(reservations.c.status == RESERVED, reservations.c.expires_at < moment)
            .limit(batch)
        ).scalars()
        due_ids = list(due)
    expired = 0
    for reservation_id in due_ids:
        with write_transaction(engine) as conn:
            expired += _return_stock(conn, reservation_id, to_status=EXPIRED)
    return expired


def lookup(engine: Engine, reservation_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = _find(conn, reservation_id=reservation_id)
        return None if row is None else dict(row)
