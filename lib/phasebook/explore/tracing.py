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

import os
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ConfigError, PhasebookError
from .lookup import rows
from .subject import Subject, resolve
from .timeline import Entry, Timeline, to_utc

LOG_TAIL = 5000
LOG_BYTES = 4 * 1024 * 1024  # the end of each log file that is searched


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
            for row in rows(session, source.database, sql, notes=notes, k=key):
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


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, str | int | float | type(None)) else str(v)) for k, v in row.items()
    }


class _Blank(dict):
    """``str.format_map`` source: a missing column shows as ``?``."""

    def __missing__(self, key: str) -> str:
        return "?"
