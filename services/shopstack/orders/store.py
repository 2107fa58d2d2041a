"""Orders persistence: apply a completed checkout once; read a user's orders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from shopstack import inbox
from shopstack.contracts import CheckoutCompleted
from shopstack.db import write_transaction
from shopstack.orders.domain import order_from_completed
from shopstack.orders.tables import orders
from shopstack.wire import utcnow


def apply_completed(engine: Engine, event_id: str, event: CheckoutCompleted) -> str:
    """Create the order for a ``checkout.completed`` event: 'applied' or 'duplicate'.

    The inbox claim and the order are written in one transaction, and the order's checkout_id
    is UNIQUE, so a redelivered event (same id, or a new id for the same checkout) has no
    second effect.
    """
    order = order_from_completed(event)
    try:
        with write_transaction(engine) as conn:
            if not inbox.claim(conn, event_id):
                return "duplicate"
            exists = conn.execute(
                select(orders.c.id).where(orders.c.checkout_id == event.checkout_id)
            ).first()
            if exists is None:
                conn.execute(orders.insert().values(**order, created_at=utcnow()))
    except IntegrityError:  # another event for the same checkout won the insert
        return "duplicate"
    return "applied" if exists is None else "duplicate"


def list_for_user(
    engine: Engine, user_id: int, *, tenant_id: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    """A user's orders in a tenant, newest first (``tenant_id`` None: every tenant's)."""
    query = select(orders).where(orders.c.user_id == user_id)
    if tenant_id is not None:
        query = query.where(orders.c.tenant_id == tenant_id)
    with engine.connect() as conn:
        rows = conn.execute(
            query.order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit)
        ).mappings()
        return [dict(row) for row in rows]


def get(engine: Engine, order_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(orders).where(orders.c.id == order_id)).mappings().first()
        return None if row is None else dict(row)
