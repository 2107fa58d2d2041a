"""The unit of work the checkout's service layer persists through (cosmicpython style).

A unit of work is one transaction over three repositories: checkout sessions, the event log and
the outbox. ``adapters/sql.py`` implements it on SQLAlchemy; tests use an in-memory fake. Leaving
the ``with`` block without :meth:`UnitOfWork.commit` rolls everything back.

:func:`record_step` and :func:`record_new` are the only writes the saga makes: a status change,
its ``checkout.status_changed`` log row and the events it publishes, all in one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self

from shopstack.checkout.domain.session import CheckoutSession, Step
from shopstack.contracts import DEFAULT_TENANT, CheckoutStatusChanged, EventPayload


class SessionRepository(Protocol):
    def add(self, session: CheckoutSession) -> None:
        """Insert a new session; IdempotencyKeyTaken when its key is already used."""

    def get(self, checkout_id: str) -> CheckoutSession | None: ...

    def find_by_key(
        self, idempotency_key: str, *, tenant_id: str, user_id: int
    ) -> CheckoutSession | None:
        """The session of this key, which is unique per (tenant, user)."""

    def list_intermediate(self, *, updated_before: datetime) -> list[CheckoutSession]:
        """Sessions left mid-saga, untouched since ``updated_before``, oldest first."""

    def move(self, step: Step) -> None:
        """Apply the step; InvalidTransition when the session is no longer at its start."""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which of a user's logged events to read: after ``after_id``, at most ``limit``, filtered
    by type and aggregate when given (``GET /events`` and the stream's replay)."""

    user_id: int
    tenant_id: str = DEFAULT_TENANT
    event_type: str | None = None
    aggregate_id: str | None = None
    after_id: int = 0
    limit: int = 100


class EventLog(Protocol):
    def append(
        self, *, user_id: int, aggregate_id: str, payload: EventPayload, tenant_id: str
    ) -> dict[str, Any]:
        """Log an event; its wire shape (with its id)."""

    def query(self, query: EventQuery) -> list[dict[str, Any]]:
        """The events the query selects, in the order they happened."""

    def page_json(self, query: EventQuery) -> bytes:
        """``{"events": [...]}`` of ``query``, encoded as JSON (the body of ``GET /events``)."""


class Outbox(Protocol):
    def add(self, *, aggregate_id: str, payload: EventPayload) -> str:
        """Queue an event for the relay; its id."""


class UnitOfWork(Protocol):
    sessions: SessionRepository
    events: EventLog
    outbox: Outbox

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def commit(self) -> None: ...


#: ``factory(write=True)`` for a unit that writes (takes the write lock up front on SQLite).
UnitOfWorkFactory = Callable[..., UnitOfWork]


@dataclass
class Recorded:
    """What a committed unit produced: event-log rows to broadcast, whether the outbox grew."""

    events: list[dict[str, Any]]
    outbox_written: bool


def _status_changed(checkout_id: str, old: str | None, new: str, reason: str | None):
    return CheckoutStatusChanged(
        checkout_id=checkout_id, from_status=old, to_status=new, failure_reason=reason
    )


def record_new(uow: UnitOfWork, session: CheckoutSession) -> Recorded:
    """Insert an INITIATED session with its log row; IdempotencyKeyTaken if the key is used."""
    with uow:
        uow.sessions.add(session)
        logged = uow.events.append(
            user_id=session.user_id,
            tenant_id=session.tenant_id,
            aggregate_id=session.id,
            payload=_status_changed(session.id, None, session.status, None),
        )
        uow.commit()
    return Recorded([logged], outbox_written=False)


def record_step(uow: UnitOfWork, step: Step) -> Recorded:
    """Persist one step atomically: status, log rows, outbox rows."""
    changed = _status_changed(
        step.checkout_id, step.from_status, step.to_status, step.failure_reason
    )
    with uow:
        uow.sessions.move(step)
        logged = [
            uow.events.append(
                user_id=step.user_id,
                tenant_id=step.tenant_id,
                aggregate_id=step.checkout_id,
                payload=payload,
            )
            for payload in (changed, *step.published)
        ]
        for payload in step.published:
            uow.outbox.add(aggregate_id=step.checkout_id, payload=payload)
        uow.commit()
    return Recorded(logged, outbox_written=bool(step.published))
