"""Trace one checkout: "what happened to it", from every source the platform offers.

Give a checkout id, an order id or a request id (``X-Request-ID`` of a journaled request).
:func:`trace` finds the checkout behind it and merges, in time order:

- the session's journaled requests that mention it (path or bodies) or carry its request id;
- the rows that belong to it in the databases of the params (shopstack's table names, see
  CONTRACT.md): checkout session, outbox row (written and relayed), reservation, payment,
  order, notification;
- its events (``GET /api/v1/events?aggregate_id=``, as the checkout's user): the session's
  status transitions, ``checkout.completed``, ``order.created``;
- the emails that name it or its order;
- service log lines that carry one of its ids or request ids (local platforms).

A source the platform lacks (no such database or table, no mailbox, no platform control) is
skipped and listed in ``Timeline.notes`` with the reason; the trace never fails because of it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import ConfigError, PhasebookError
from .timeline import Entry, Timeline, to_utc

LOG_TAIL = 5000
LOG_BYTES = 4 * 1024 * 1024  # the end of each log file that is searched


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


@dataclass(frozen=True)
class RowSource:
    """Rows of one table that belong to the checkout, and which columns are moments."""

    database: str
    table: str
    column: str  # matched against the checkout id (or, for "outbox_ids", each outbox row id)
    stamps: tuple[tuple[str, str, str], ...]  # (time column, kind, what template)
    match: str = "checkout"  # "checkout" | "outbox_ids"


ROW_SOURCES = (
    RowSource(
        "checkout",
        "checkout_sessions",
        "id",
        (("created_at", "session", "checkout session created, now {status}"),),
    ),
    RowSource(
        "checkout",
        "outbox_events",
        "aggregate_id",
        (
            ("created_at", "outbox", "outbox row {event_type} written"),
            ("processed_at", "outbox-relayed", "outbox row {event_type} relayed"),
        ),
    ),
    RowSource(
        "inventory",
        "reservations",
        "checkout_id",
        (("created_at", "reservation", "reservation {id}: {status}"),),
    ),
    RowSource(
        "payment", "payments", "checkout_id", (("created_at", "payment", "payment {status}"),)
    ),
    RowSource(
        "orders", "orders", "checkout_id", (("created_at", "order", "order {id}: {status}"),)
    ),
    RowSource(
        "notifications",
        "notifications",
        "event_id",
        (("sent_at", "notification", "notification to {recipient}: {status}"),),
        match="outbox_ids",
    ),
)


def trace(session: Any, ident: str) -> Timeline:
    """The timeline of the checkout behind ``ident`` (checkout id, order id or request id)."""
    ident = str(ident or "").strip()
    if not ident:
        raise ConfigError("trace: give a checkout id, an order id or a request id")
    notes: list[str] = []
    subject = resolve(session, ident, notes)
    entries: list[Entry] = []
    entries += _requests(session, subject)
    entries += _rows(session, subject, notes)
    entries += _events(session, subject, notes)
    entries += _emails(session, subject, notes)
    entries += _logs(session, subject, notes)
    label = f"checkout {subject.checkout_id}" if subject.checkout_id else repr(ident)
    red = session.redactor  # what a timeline shows has been through the redactor
    shown = [replace(e, what=red.text(e.what), detail=red.value(e.detail)) for e in entries]
    return Timeline(red.text(label), shown, [red.text(note) for note in notes])


# -- finding the checkout ------------------------------------------------------------------


def resolve(session: Any, ident: str, notes: list[str]) -> Subject:
    """The checkout behind ``ident``, with its user, orders and outbox rows where known."""
    subject = Subject(given=ident)
    _from_journal(session, subject)
    if subject.checkout_id is None:
        _from_databases(session, subject, notes)
    if subject.checkout_id is None and not _has(session, "checkout", "orders"):
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
    row = _first(
        session, "checkout", "SELECT id, user_id FROM checkout_sessions WHERE id = :i", i=given
    )
    if row:
        subject.checkout_id, subject.user_id = str(row["id"]), _int(row["user_id"])
        return
    sql = "SELECT id, checkout_id, user_id FROM orders WHERE id = :i"
    row = _first(session, "orders", sql, i=given)
    if row:
        subject.order_ids.add(str(row["id"]))
        subject.checkout_id, subject.user_id = str(row["checkout_id"]), _int(row["user_id"])


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
            subject.user_id = _int(body.get("user_id"))
            return
        if isinstance(body, dict) and body.get("id") == subject.given:
            subject.checkout_id, subject.user_id = subject.given, _int(body.get("user_id"))
            return


def _fill_related(session: Any, subject: Subject, notes: list[str]) -> None:
    checkout = subject.checkout_id
    if checkout and subject.user_id is None:
        row = _first(
            session, "checkout", "SELECT user_id FROM checkout_sessions WHERE id = :i", i=checkout
        )
        subject.user_id = _int(row["user_id"]) if row else None
    for row in _all(session, "orders", "SELECT id FROM orders WHERE checkout_id = :i", i=checkout):
        subject.order_ids.add(str(row["id"]))
    sql = "SELECT id FROM outbox_events WHERE aggregate_id = :i"
    for row in _all(session, "checkout", sql, i=checkout):
        subject.outbox_ids.add(str(row["id"]))
    wanted = subject.ids()
    for exchange in session.journal:
        if exchange.request_id in subject.request_ids or _mentions(exchange, wanted):
            subject.request_ids.add(exchange.request_id)


def _mentions(exchange: Any, ids: set[str]) -> bool:
    text = exchange.path + json.dumps([exchange.request_body, exchange.response_body], default=str)
    return any(i in text for i in ids)


# -- the sources ---------------------------------------------------------------------------


def _requests(session: Any, subject: Subject) -> list[Entry]:
    entries = []
    for exchange in session.journal:
        if exchange.request_id not in subject.request_ids:
            continue
        outcome = exchange.status if exchange.status is not None else exchange.error
        what = f"{exchange.method} {exchange.path} → {outcome} ({exchange.elapsed_ms:.0f} ms)"
        entries.append(
            Entry(to_utc(exchange.sent_at), "request", "request", what, exchange.request_id)
        )
    return entries


def _rows(session: Any, subject: Subject, notes: list[str]) -> list[Entry]:
    entries = []
    for source in ROW_SOURCES:
        keys = sorted(subject.outbox_ids) if source.match == "outbox_ids" else [subject.checkout_id]
        sql = f"SELECT * FROM {source.table} WHERE {source.column} = :k"
        for key in keys:
            for row in _all(session, source.database, sql, notes=notes, k=key):
                entries += _row_entries(source, row)
    return entries


def _row_entries(source: RowSource, row: dict[str, Any]) -> list[Entry]:
    entries = []
    for column, kind, template in source.stamps:
        at = to_utc(row.get(column))
        if at is None:
            continue
        what = template.format_map(_Blank(row))
        where = f"db:{source.database}.{source.table}"
        entries.append(Entry(at, where, kind, what, _plain(row)))
    return entries


def _events(session: Any, subject: Subject, notes: list[str]) -> list[Entry]:
    entries, as_user = [], subject.user_id
    for aggregate in sorted({subject.checkout_id, *subject.order_ids} - {None}):
        params = {"aggregate_id": aggregate}
        try:
            response = session.api.get("/api/v1/events", params=params, as_user=as_user)
        except PhasebookError as exc:
            notes.append(f"events: {exc}")
            return entries
        if response.status != 200:
            notes.append(f"events: GET /api/v1/events answered {response.status}")
            return entries
        entries += [_event_entry(event) for event in (response.body() or {}).get("events", [])]
    return [entry for entry in entries if entry is not None]


def _event_entry(event: dict[str, Any]) -> Entry | None:
    at = to_utc(event.get("created_at"))
    if at is None:
        return None
    kind_name = event.get("event_type") or event.get("type") or "event"
    payload = event.get("payload") or {}
    if kind_name == "checkout.status_changed":
        what = f"session {payload.get('from') or '∅'} → {payload.get('to')}"
        return Entry(at, "event", "transition", what, event)
    return Entry(at, "event", "event", f"event {kind_name} ({event.get('aggregate_id')})", event)


def _emails(session: Any, subject: Subject, notes: list[str]) -> list[Entry]:
    if getattr(session.mail, "url", None) is None:
        notes.append("emails: no mailbox in the params or platform.json")
        return []
    try:
        messages = session.mail.messages()
    except PhasebookError as exc:
        notes.append(f"emails: {exc}")
        return []
    wanted = subject.ids() - subject.outbox_ids
    entries = []
    for message in messages:
        text = f"{message.subject} {message.snippet}"
        at = to_utc(message.created)
        if at is not None and any(i in text for i in wanted):
            what = f"email to {', '.join(message.to)}: {message.subject}"
            entries.append(Entry(at, "email", "email", what, message.id))
    return entries


def _logs(session: Any, subject: Subject, notes: list[str]) -> list[Entry]:
    control = session.platform
    if not control.available:
        notes.append("logs: no local platform (platform control unavailable)")
        return []
    try:
        services = sorted(control.pids())
    except PhasebookError as exc:
        notes.append(f"logs: {exc}")
        return []
    wanted = subject.ids() | subject.request_ids
    entries = []
    for service in services:
        entries += _log_entries(service, _log_text(control, service), wanted)
    return entries


def _log_text(control: Any, service: str) -> str:
    """The end of the service's log: read from STATE_DIR/logs/ directly (``shopstack logs``
    costs a Python start per service), else through the CLI."""
    path = control.state_dir / "logs" / f"{service}.log"
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - LOG_BYTES))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        pass
    try:
        return control.logs(service, tail=LOG_TAIL)
    except PhasebookError:
        return ""


def _log_entries(service: str, text: str, wanted: set[str]) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        if not any(i in line for i in wanted):
            continue
        at = to_utc(line[:23], naive_is_local=True)
        if at is not None:
            entries.append(Entry(at, f"log:{service}", "log", line[24:]))
    return entries


# -- database access that never fails the trace ---------------------------------------------


def _has(session: Any, *databases: str) -> bool:
    return any(name in session.db for name in databases)


def _all(
    session: Any, database: str, sql: str, *, notes: list[str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    if database not in session.db or any(v is None for v in params.values()):
        if notes is not None and database not in session.db:
            _note_once(notes, f"database {database!r}: not in the params (skipped)")
        return []
    try:
        frame = session.db[database].query(sql, **params)
    except PhasebookError as exc:
        if notes is not None:
            _note_once(notes, str(exc))
        return []
    return frame.to_dict("records")


def _first(session: Any, database: str, sql: str, **params: Any) -> dict[str, Any] | None:
    rows = _all(session, database, sql, **params)
    return rows[0] if rows else None


def _note_once(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, str | int | float | type(None)) else str(v)) for k, v in row.items()
    }


class _Blank(dict):
    """``str.format_map`` source: a missing column shows as ``?``."""

    def __missing__(self, key: str) -> str:
        return "?"
