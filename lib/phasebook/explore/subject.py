"""Which checkout an id belongs to (checkout id, order id or request id), and its other ids.

Used by the trace: the journal first (a request id), then the databases of the params
(shopstack's ``checkout_sessions`` and ``orders``), then the API as the session's user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import PhasebookError
from .lookup import as_int, first_row, has_database, rows


@dataclass
class Subject:
    """The ids that belong to one checkout."""

    given: str
    checkout_id: str | None = None
    user_id: int | None = None
    order_ids: set[str] = field(default_factory=set)
    outbox_ids: set[str] = field(default_factory=set)
    request_ids: set[str] = field(default_factory=set)

    def ids(self) -> set[str]:
        return {i for i in (self.checkout_id, *self.order_ids, *self.outbox_ids) if i}


def resolve(session: Any, ident: str, notes: list[str]) -> Subject:
    """The checkout behind ``ident``, with its user, orders and outbox rows where known."""
    subject = Subject(given=ident)
    _from_journal(session, subject)
    if subject.checkout_id is None:
        _from_databases(session, subject, notes)
    if subject.checkout_id is None and not has_database(session, "checkout", "orders"):
        _from_api(session, subject)
    if subject.checkout_id is None and not subject.order_ids:
        notes.append(f"no checkout, order or request with id {ident!r} found: traced it as is")
        subject.checkout_id = ident
    _fill_related(session, subject, notes)
    return subject


def _from_journal(session: Any, subject: Subject) -> None:
    for exchange in session.journal:
        if exchange.request_id != subject.given:
            continue
        subject.request_ids.add(exchange.request_id)
        body = exchange.response_body if isinstance(exchange.response_body, dict) else {}
        if body.get("checkout_id"):
            subject.checkout_id = str(body["checkout_id"])
        elif "/orders/" in exchange.path and body.get("id"):
            subject.order_ids.add(str(body["id"]))


def _from_databases(session: Any, subject: Subject, notes: list[str]) -> None:
    given = subject.given
    row = first_row(
        session, "checkout", "SELECT id, user_id FROM checkout_sessions WHERE id = :i", i=given
    )
    if row:
        subject.checkout_id, subject.user_id = str(row["id"]), as_int(row["user_id"])
        return
    sql = "SELECT id, checkout_id, user_id FROM orders WHERE id = :i"
    row = first_row(session, "orders", sql, i=given)
    if row:
        subject.order_ids.add(str(row["id"]))
        subject.checkout_id, subject.user_id = str(row["checkout_id"]), as_int(row["user_id"])


def _from_api(session: Any, subject: Subject) -> None:
    """No databases: ask the API as the session's user (these lookups are journaled)."""
    for path in (f"/api/v1/checkout/{subject.given}", f"/api/v1/orders/{subject.given}"):
        try:
            response = session.api.get(path)
        except PhasebookError:
            return
        body = response.body() if response.status == 200 else None
        if isinstance(body, dict) and body.get("checkout_id"):
            if "/orders/" in path:
                subject.order_ids.add(subject.given)
            subject.checkout_id = str(body["checkout_id"])
            subject.user_id = as_int(body.get("user_id"))
            return
        if isinstance(body, dict) and body.get("id") == subject.given:
            subject.checkout_id, subject.user_id = subject.given, as_int(body.get("user_id"))
            return


def _fill_related(session: Any, subject: Subject, notes: list[str]) -> None:
    checkout = subject.checkout_id
    if checkout and subject.user_id is None:
        row = first_row(
            session, "checkout", "SELECT user_id FROM checkout_sessions WHERE id = :i", i=checkout
        )
        subject.user_id = as_int(row["user_id"]) if row else None
    for row in rows(session, "orders", "SELECT id FROM orders WHERE checkout_id = :i", i=checkout):
        subject.order_ids.add(str(row["id"]))
    sql = "SELECT id FROM outbox_events WHERE aggregate_id = :i"
    for row in rows(session, "checkout", sql, i=checkout):
        subject.outbox_ids.add(str(row["id"]))
    wanted = subject.ids()
    for exchange in session.journal:
        if exchange.request_id in subject.request_ids or _mentions(exchange, wanted):
            subject.request_ids.add(exchange.request_id)


def _mentions(exchange: Any, ids: set[str]) -> bool:
    text = exchange.path + json.dumps([exchange.request_body, exchange.response_body], default=str)
    return any(i in text for i in ids)
