"""The event log in SQL: append within the unit of work's transaction, query a user's events.

Each event gets the next ``sequence`` of its aggregate. Appends to one aggregate are
serialised for the length of the transaction: on SQLite by the write lock a writing unit of
work takes up front (``BEGIN IMMEDIATE``), on PostgreSQL by a transaction-scoped advisory lock
per aggregate, taken in sorted order so that two batches never wait on each other in a cycle.
The unique constraint on (tenant, user, aggregate, sequence) is the last line of defence.

A batch is planned whole before anything is written (one query reads the current sequences
of all its aggregates, every ``expected_sequence`` is checked), then written with one
multi-row ``INSERT ... RETURNING``: a 1,000-event batch was 1,000 statements before. The
statements are built once at import, so an append or a page spends no time composing SQL.

A page for ``GET /events`` is encoded here, from the payloads' stored JSON text: decoding
1,000 payloads to encode them again was the largest cost of a page (cProfile), and
:meth:`SqlEventLog.page_json` skips both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, String, Text, bindparam, cast, func, select, text, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from shopstack.checkout.adapters.tables import events
from shopstack.checkout.domain.client_events import NewEvent, SequenceConflict
from shopstack.checkout.service_layer.unit_of_work import EventQuery
from shopstack.contracts import EventPayload
from shopstack.wire import rfc3339, utcnow

DEFAULT_TENANT = "default"
AggregateKey = tuple[str, int, str]

#: The columns of a page, in the order :func:`_wire` and :func:`_wire_json` unpack them; the
#: payload as its stored JSON text (PostgreSQL's driver would decode a ``json`` column).
_COLUMNS = (
    events.c.id,
    events.c.event_type,
    events.c.aggregate_id,
    events.c.sequence,
    cast(events.c.payload, Text),
    events.c.user_id,
    events.c.tenant_id,
)
#: ``created_at`` as the driver gives it (PostgreSQL: a datetime), or as SQLite stores it
#: (text that :func:`_sqlite_stamp` slices: parsing 1,000 per page with SQLAlchemy's regular
#: expression, then formatting them again, cost a third of the page).
_CREATED_AT = {False: events.c.created_at, True: type_coerce(events.c.created_at, String)}
_CURRENT_SEQUENCES = (
    select(events.c.aggregate_id, func.max(events.c.sequence))
    .where(
        events.c.tenant_id == bindparam("tenant_id"),
        events.c.user_id == bindparam("user_id"),
        events.c.aggregate_id.in_(bindparam("aggregate_ids", expanding=True)),
    )
    .group_by(events.c.aggregate_id)
)
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def _sqlite_stamp(stored: str) -> str:
    """:func:`rfc3339` of a datetime as SQLAlchemy stores it in SQLite
    (``2026-12-01 22:31:17.144600``): the same text, by slicing."""
    if len(stored) == 26 and stored[10] == " ":  # noqa: PLR2004 - that format's length
        return f"{stored[:10]}T{stored[11:23]}Z"
    return rfc3339(datetime.fromisoformat(stored))  # written some other way


def _wire(  # noqa: PLR0913 - one per column
    event_id: int,
    event_type: str,
    aggregate_id: str,
    sequence: int,
    payload: dict[str, Any],
    user_id: int,
    tenant_id: str,
    created_at: str,
) -> dict[str, Any]:
    """An event's wire shape (CONTRACT.md)."""
    return {
        "id": event_id,
        "type": event_type,
        "event_type": event_type,
        "aggregate_id": aggregate_id,
        "sequence": sequence,
        "payload": payload,
        "user_id": user_id,
        "tenant_id": tenant_id,
        "created_at": created_at,
    }


_string = json.encoder.encode_basestring  # a str as a JSON string literal, as json.dumps does


def _wire_json(row: Sequence[Any], created_at: str) -> str:
    """:func:`_wire` of a page's row as JSON text, the payload's stored text embedded as is."""
    event_id, event_type, aggregate_id, sequence, payload, user_id, tenant_id, _ = row
    kind = _string(event_type)
    return (
        f'{{"id":{event_id},"type":{kind},"event_type":{kind},'
        f'"aggregate_id":{_string(aggregate_id)},"sequence":{sequence},"payload":{payload},'
        f'"user_id":{user_id},"tenant_id":{_string(tenant_id)},'
        f'"created_at":"{created_at}"}}'
    )


@cache
def _page_statement(*, by_type: bool, by_aggregate: bool, sqlite: bool) -> Select:
    """A user's events after ``after_id``, oldest first, at most ``limit``; eight variants."""
    statement = select(*_COLUMNS, _CREATED_AT[sqlite]).where(
        events.c.tenant_id == bindparam("tenant_id"),
        events.c.user_id == bindparam("user_id"),
        events.c.id > bindparam("after_id"),
    )
    if by_type:
        statement = statement.where(events.c.event_type == bindparam("event_type"))
    if by_aggregate:
        statement = statement.where(events.c.aggregate_id == bindparam("aggregate_id"))
    return statement.order_by(events.c.id).limit(bindparam("limit"))


class SqlEventLog:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._current: dict[AggregateKey, int] = {}  # sequences read under this transaction's lock
        postgres = conn.dialect.name == "postgresql"
        # PostgreSQL assigns ids in parameter order only when asked (INSERT ... SELECT ...
        # ORDER BY); SQLite inserts the VALUES rows in order under its write lock, and asked
        # the same, SQLAlchemy would fall back to one INSERT per row.
        self._insert = events.insert().returning(
            events.c.id, events.c.aggregate_id, events.c.sequence, sort_by_parameter_order=postgres
        )
        self._postgres = postgres
        self._stamp = rfc3339 if conn.dialect.name != "sqlite" else _sqlite_stamp

    def append(
        self,
        *,
        user_id: int,
        aggregate_id: str,
        payload: EventPayload,
        tenant_id: str = DEFAULT_TENANT,
    ) -> dict[str, Any]:
        """Log a domain event of the platform."""
        return self.append_new(
            user_id=user_id,
            tenant_id=tenant_id,
            aggregate_id=aggregate_id,
            event_type=payload.EVENT_TYPE,
            payload=payload.as_json(),
        )

    def lock_aggregates(self, keys: Iterable[AggregateKey]) -> None:
        """Hold the aggregates' append locks until the transaction ends (PostgreSQL)."""
        if not self._postgres:
            return
        for tenant_id, user_id, aggregate_id in sorted(set(keys)):
            self.conn.execute(
                _ADVISORY_LOCK, {"key": f"events:{tenant_id}:{user_id}:{aggregate_id}"}
            )

    def _read_current(self, tenant_id: str, user_id: int, aggregate_ids: Iterable[str]) -> None:
        """Lock the aggregates not read yet in this transaction, then read their sequences."""
        unread = sorted({a for a in aggregate_ids if (tenant_id, user_id, a) not in self._current})
        if not unread:
            return
        self.lock_aggregates((tenant_id, user_id, a) for a in unread)
        params = {"tenant_id": tenant_id, "user_id": user_id, "aggregate_ids": unread}
        found = dict(self.conn.execute(_CURRENT_SEQUENCES, params).all())
        for aggregate_id in unread:
            self._current[(tenant_id, user_id, aggregate_id)] = found.get(aggregate_id) or 0

    def append_new(  # noqa: PLR0913 - keyword-only, one per column
        self,
        *,
        user_id: int,
        aggregate_id: str,
        event_type: str,
        payload: dict[str, Any],
        tenant_id: str = DEFAULT_TENANT,
        expected_sequence: int | None = None,
    ) -> dict[str, Any]:
        """Append with the aggregate's next sequence; SequenceConflict if it is not expected."""
        event = NewEvent(event_type, aggregate_id, payload, expected_sequence)
        return self.append_all(user_id=user_id, tenant_id=tenant_id, batch=[event])[0]

    def append_all(
        self, *, user_id: int, tenant_id: str = DEFAULT_TENANT, batch: Sequence[NewEvent]
    ) -> list[dict[str, Any]]:
        """Append the events in order, each with its aggregate's next sequence; their wire
        shape. SequenceConflict, with nothing written, if an ``expected_sequence`` is not met."""
        self._read_current(tenant_id, user_id, (event.aggregate_id for event in batch))
        planned = dict(self._current)
        rows = []
        for event in batch:
            key = (tenant_id, user_id, event.aggregate_id)
            current = planned[key]
            expected = event.expected_sequence
            if expected is not None and expected != current + 1:
                raise SequenceConflict(event.aggregate_id, expected=expected, current=current)
            planned[key] = current + 1
            rows.append(
                {
                    "tenant_id": tenant_id,
                    "user_id": user_id,
                    "event_type": event.type,
                    "aggregate_id": event.aggregate_id,
                    "sequence": current + 1,
                    "payload": event.payload,
                    "created_at": utcnow(),
                }
            )
        try:
            returned = self.conn.execute(self._insert, rows).all()
        except IntegrityError as exc:  # another writer took a sequence despite the lock
            first = rows[0]
            raise SequenceConflict(
                first["aggregate_id"], expected=first["sequence"], current=first["sequence"] - 1
            ) from exc
        ids = {(aggregate_id, sequence): event_id for event_id, aggregate_id, sequence in returned}
        self._current = planned
        return [
            _wire(
                ids[(row["aggregate_id"], row["sequence"])],
                row["event_type"],
                row["aggregate_id"],
                row["sequence"],
                row["payload"],
                user_id,
                tenant_id,
                rfc3339(row["created_at"]),
            )
            for row in rows
        ]

    def query(self, query: EventQuery) -> list[dict[str, Any]]:
        """A user's events in the order they happened, after ``after_id``, at most ``limit``."""
        stamp = self._stamp
        return [
            _wire(*row[:4], json.loads(row[4]), *row[5:7], stamp(row[7]))
            for row in self._page(query)
        ]

    def page_json(self, query: EventQuery) -> bytes:
        """``{"events": [...]}`` of :meth:`query`, encoded as UTF-8 JSON."""
        stamp = self._stamp
        body = ",".join([_wire_json(row, stamp(row[7])) for row in self._page(query)])
        return ('{"events":[' + body + "]}").encode()

    def _page(self, query: EventQuery) -> Iterable[Sequence[Any]]:
        statement = _page_statement(
            by_type=bool(query.event_type),
            by_aggregate=bool(query.aggregate_id),
            sqlite=self.conn.dialect.name == "sqlite",
        )
        params = {
            "tenant_id": query.tenant_id,
            "user_id": query.user_id,
            "after_id": query.after_id,
            "event_type": query.event_type,
            "aggregate_id": query.aggregate_id,
            "limit": query.limit,
        }
        return self.conn.execute(statement, params)
