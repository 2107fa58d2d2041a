"""Checkout sessions repository: every status change is one transaction together with its
event-log rows and, where the saga publishes something, its outbox rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from shopstack.checkout.adapters import eventlog, outbox
from shopstack.checkout.adapters.tables import checkout_sessions
from shopstack.checkout.domain.events import STATUS_CHANGED
from shopstack.checkout.domain.model import INTERMEDIATE, InvalidTransition, check_transition
from shopstack.db import write_transaction
from shopstack.wire import utcnow


@dataclass
class Transition:
    """One persisted step of the saga."""

    checkout_id: str
    user_id: int
    from_status: str
    to_status: str
    fields: dict[str, Any] = field(default_factory=dict)
    domain_events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    outbox: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Recorded:
    """What a committed step produced: event-log rows to broadcast, whether the outbox grew."""

    events: list[dict[str, Any]]
    outbox_written: bool


def _status_event(checkout_id: str, old: str | None, new: str, reason: str | None) -> dict:
    payload: dict[str, Any] = {"checkout_id": checkout_id, "from": old, "to": new}
    if reason:
        payload["failure_reason"] = reason
    return payload


def insert_initiated(engine: Engine, row: dict[str, Any]) -> Recorded | None:
    """Create the session; None when the idempotency key is already taken."""
    try:
        with write_transaction(engine) as conn:
            conn.execute(checkout_sessions.insert().values(**row))
            event = eventlog.append(
                conn,
                user_id=row["user_id"],
                event_type=STATUS_CHANGED,
                aggregate_id=row["id"],
                payload=_status_event(row["id"], None, row["status"], None),
            )
    except IntegrityError:
        return None
    return Recorded([event], outbox_written=False)


def apply(engine: Engine, step: Transition) -> Recorded:
    """Persist one transition atomically; InvalidTransition if the session moved meanwhile."""
    check_transition(step.from_status, step.to_status)
    with write_transaction(engine) as conn:
        changed = conn.execute(
            checkout_sessions.update()
            .where(
                checkout_sessions.c.id == step.checkout_id,
                checkout_sessions.c.status == step.from_status,
            )
            .values(status=step.to_status, updated_at=utcnow(), **step.fields)
        ).rowcount
        if changed != 1:
            raise InvalidTransition(f"{step.checkout_id} is no longer {step.from_status}")
        reason = step.fields.get("failure_reason")
        logged = [
            (
                STATUS_CHANGED,
                _status_event(step.checkout_id, step.from_status, step.to_status, reason),
            )
        ]
        events = [
            eventlog.append(
                conn,
                user_id=step.user_id,
                event_type=event_type,
                aggregate_id=step.checkout_id,
                payload=payload,
            )
            for event_type, payload in logged + step.domain_events
        ]
        for event_type, payload in step.outbox:
            outbox.add(conn, event_type=event_type, aggregate_id=step.checkout_id, payload=payload)
    return Recorded(events, outbox_written=bool(step.outbox))


def _one(engine: Engine, condition: Any) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(checkout_sessions).where(condition)).mappings().first()
        return None if row is None else dict(row)


def get(engine: Engine, checkout_id: str) -> dict[str, Any] | None:
    return _one(engine, checkout_sessions.c.id == checkout_id)


def find_by_key(engine: Engine, idempotency_key: str) -> dict[str, Any] | None:
    return _one(engine, checkout_sessions.c.idempotency_key == idempotency_key)


def list_intermediate(engine: Engine, *, updated_before: datetime) -> list[dict[str, Any]]:
    """Sessions a saga left mid-way (oldest first)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(checkout_sessions)
            .where(
                checkout_sessions.c.status.in_(INTERMEDIATE),
                checkout_sessions.c.updated_at <= updated_before,
            )
            .order_by(checkout_sessions.c.updated_at)
            .limit(500)
        ).mappings()
        return [dict(row) for row in rows]
