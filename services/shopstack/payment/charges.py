"""Charges keyed by checkout id: a retried charge returns the first one, never a second.

A void records what compensation needs: a captured charge becomes REFUNDED, and a checkout
with no charge yet gets a VOIDED row, so a charge request still in flight cannot capture.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from shopstack.db import write_transaction
from shopstack.payment.domain import CAPTURED, REFUNDED, VOIDED, decide
from shopstack.payment.tables import payments
from shopstack.wire import utcnow


def find(engine: Engine, checkout_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(select(payments).where(payments.c.checkout_id == checkout_id))
            .mappings()
            .first()
        )
        return None if row is None else dict(row)


def _insert_once(engine: Engine, row: dict[str, Any]) -> dict[str, Any]:
    """Insert the row unless the checkout already has one; return the row that stands."""
    try:
        with write_transaction(engine) as conn:
            existing = (
                conn.execute(select(payments).where(payments.c.checkout_id == row["checkout_id"]))
                .mappings()
                .first()
            )
            if existing is not None:
                return dict(existing)
            conn.execute(payments.insert().values(**row))
            return row
    except IntegrityError:
        return find(engine, row["checkout_id"])


def charge(
    engine: Engine,
    *,
    checkout_id: str,
    amount: Decimal,
    currency: str,
    card_token: str,
    failure_rate: float,
) -> dict[str, Any]:
    """Charge once per checkout. Raises ProcessingError (nothing stored) for that test token."""
    existing = find(engine, checkout_id)
    if existing is not None:
        return existing
    outcome = decide(card_token, failure_rate=failure_rate)
    row = {
        "id": str(uuid.uuid4()),
        "checkout_id": checkout_id,
        "amount": amount,
        "currency": currency,
        "status": outcome.status,
        "card_token": card_token,
        "decline_code": outcome.decline_code,
        "created_at": utcnow(),
    }
    return _insert_once(engine, row)


def void(engine: Engine, checkout_id: str, *, currency: str = "USD") -> dict[str, Any]:
    """Make sure the checkout is not charged: refund a capture, or forbid a later charge."""
    tombstone = {
        "id": str(uuid.uuid4()),
        "checkout_id": checkout_id,
        "amount": Decimal("0.00"),
        "currency": currency,
        "status": VOIDED,
        "card_token": "",
        "decline_code": None,
        "created_at": utcnow(),
    }
    row = _insert_once(engine, tombstone)
    if row["status"] != CAPTURED:
        return row
    with write_transaction(engine) as conn:
        conn.execute(
            payments.update()
            .where(payments.c.checkout_id == checkout_id, payments.c.status == CAPTURED)
            .values(status=REFUNDED)
        )
    return find(engine, checkout_id)
