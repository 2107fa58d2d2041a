"""Checkout sessions in SQL: the typed session <-> the ``checkout_sessions`` row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from shopstack.checkout.adapters.tables import checkout_sessions
from shopstack.checkout.domain.errors import IdempotencyKeyTaken
from shopstack.checkout.domain.model import INTERMEDIATE, CartSnapshot, InvalidTransition
from shopstack.checkout.domain.session import CheckoutSession, Outcome, Step
from shopstack.wire import utcnow


def to_row(session: CheckoutSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "tenant_id": session.tenant_id,
        "config_version": session.config_version,
        "user_id": session.user_id,
        "cart_snapshot": session.cart.as_json(),
        "status": session.status,
        "idempotency_key": session.idempotency_key,
        "inventory_reservation_id": session.inventory_reservation_id,
        "payment_id": session.payment_id,
        "total_amount": session.total_amount,
        "currency": session.currency,
        "failure_reason": session.failure_reason,
        "created_at": session.created_at,
        "updated_at": session.updated_at,
        "request_hash": session.request_hash,
        "card_token": session.card_token,
        "result": None if session.outcome is None else session.outcome.as_json(),
    }


def from_row(row: Any) -> CheckoutSession:
    return CheckoutSession(
        id=row["id"],
        tenant_id=row["tenant_id"],
        config_version=row["config_version"],
        user_id=row["user_id"],
        idempotency_key=row["idempotency_key"],
        card_token=row["card_token"],
        cart=CartSnapshot.from_json(row["cart_snapshot"]),
        request_hash=row["request_hash"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        total_amount=row["total_amount"],
        currency=row["currency"],
        status=row["status"],
        inventory_reservation_id=row["inventory_reservation_id"],
        payment_id=row["payment_id"],
        failure_reason=row["failure_reason"],
        outcome=None if row["result"] is None else Outcome.from_json(row["result"]),
    )


class SqlSessions:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, session: CheckoutSession) -> None:
        try:
            self.conn.execute(checkout_sessions.insert().values(**to_row(session)))
        except IntegrityError as exc:
            raise IdempotencyKeyTaken(session.idempotency_key) from exc

    def _one(self, condition: Any) -> CheckoutSession | None:
        row = self.conn.execute(select(checkout_sessions).where(condition)).mappings().first()
        return None if row is None else from_row(row)

    def get(self, checkout_id: str) -> CheckoutSession | None:
        return self._one(checkout_sessions.c.id == checkout_id)

    def find_by_key(
        self, idempotency_key: str, *, tenant_id: str, user_id: int
    ) -> CheckoutSession | None:
        return self._one(
            (checkout_sessions.c.tenant_id == tenant_id)
            & (checkout_sessions.c.user_id == user_id)
            & (checkout_sessions.c.idempotency_key == idempotency_key)
        )

    def list_intermediate(self, *, updated_before: datetime) -> list[CheckoutSession]:
        rows = self.conn.execute(
            select(checkout_sessions)
            .where(
                checkout_sessions.c.status.in_(INTERMEDIATE),
                checkout_sessions.c.updated_at <= updated_before,
            )
            .order_by(checkout_sessions.c.updated_at)
            .limit(500)
        ).mappings()
        return [from_row(row) for row in rows]

    def move(self, step: Step) -> None:
        changes = step.changes()
        if "outcome" in changes:
            changes["result"] = changes.pop("outcome").as_json()
        changed = self.conn.execute(
            checkout_sessions.update()
            .where(
                checkout_sessions.c.id == step.checkout_id,
                checkout_sessions.c.status == step.from_status,
            )
            .values(status=step.to_status, updated_at=utcnow(), **changes)
        ).rowcount
        if changed != 1:
            raise InvalidTransition(f"{step.checkout_id} is no longer {step.from_status}")
