"""The event engine (CONTRACT.md "Event log as an event engine"): gapless sequences under
concurrent writers on SQLite and PostgreSQL, all-or-nothing batches, and 400 (never 500) for
out-of-range query values — the store directly, then the public API through the gateway."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from shopstack.checkout.adapters.eventlog import SqlEventLog, _sqlite_stamp
from shopstack.checkout.adapters.sql import SqlUnitOfWork
from shopstack.checkout.adapters.tables import events, metadata
from shopstack.checkout.domain.client_events import NewEvent, SequenceConflict
from shopstack.checkout.service_layer.event_engine import append_events
from shopstack.checkout.service_layer.unit_of_work import EventQuery
from shopstack.db import open_service_database
from shopstack.wire import rfc3339
from sqlalchemy import DateTime, func, select
from sqlalchemy.dialects import sqlite

WRITERS = 20
_users = itertools.count(700_000 + (os.getpid() % 1000) * 1000)


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "checkout", metadata)
    yield engine
    engine.dispose()


def _event(aggregate_id: str, n: int = 0, *, expected: int | None = None) -> NewEvent:
    return NewEvent("ledger.entry_added", aggregate_id, {"n": n}, expected_sequence=expected)


def _append(engine, batch: list[NewEvent], *, user_id: int = 1) -> list[dict]:
    uow = SqlUnitOfWork(engine, write=True)
    return append_events(uow, user_id=user_id, tenant_id="default", batch=batch).events


def _sequences(engine, aggregate_id: str) -> list[int]:
    statement = select(events.c.sequence).where(events.c.aggregate_id == aggregate_id)
    with engine.connect() as conn:
        return sorted(conn.execute(statement).scalars())


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(events)).scalar_one()


def test_twenty_concurrent_appends_to_one_aggregate_get_sequences_one_to_twenty(engine):
    with ThreadPoolExecutor(WRITERS) as pool:
        stored = list(pool.map(lambda n: _append(engine, [_event("acc-1", n)])[0], range(WRITERS)))
    assert sorted(e["sequence"] for e in stored) == list(range(1, WRITERS + 1))
    assert _sequences(engine, "acc-1") == list(range(1, WRITERS + 1))


def test_racers_with_the_same_expected_sequence_have_exactly_one_winner(engine):
    def race(n: int) -> str:
        try:
            _append(engine, [_event("acc-2", n, expected=1)])
        except SequenceConflict:
            return "conflict"
        return "won"

    with ThreadPoolExecutor(10) as pool:
        outcomes = sorted(pool.map(race, range(10)))
    assert outcomes == ["conflict"] * 9 + ["won"]
    assert _sequences(engine, "acc-2") == [1]


def test_a_batch_whose_500th_event_conflicts_stores_nothing(engine):
    _append(engine, [_event("acc-3")])
    before = _count(engine)
    batch = [_event(f"agg-{n}", n) for n in range(499)] + [_event("acc-3", expected=1)]
    with pytest.raises(SequenceConflict, match="expected 1, current 1"):
        _append(engine, batch)
    assert _count(engine) == before


def test_a_batch_is_stored_in_its_order_with_ids_and_sequences_that_follow_it(engine):
    _append(engine, [_event("order-b")])
    batch = [_event(f"order-{'abc'[n % 3]}", n) for n in range(1000)]  # one INSERT of 1,000 rows
    stored = _append(engine, batch)
    assert [e["payload"]["n"] for e in stored] == list(range(1000))
    assert [e["id"] for e in stored] == sorted({e["id"] for e in stored})
    assert [e["sequence"] for e in stored[:6]] == [1, 2, 1, 2, 3, 2]
    statement = select(events.c.id, events.c.sequence, events.c.payload).order_by(events.c.id)
    with engine.connect() as conn:
        rows = conn.execute(statement.where(events.c.id >= stored[0]["id"])).all()
    assert [(e["id"], e["sequence"], e["payload"]) for e in stored] == [tuple(r) for r in rows]


@pytest.mark.parametrize(
    "filters",
    [{}, {"aggregate_id": "json-a"}, {"event_type": "ledger.noted"}, {"after_id": 2, "limit": 2}],
)
def test_a_page_encoded_by_the_store_is_the_json_of_its_query(engine, filters):
    payloads = [{"s": 'é \u2028 "q" \\'}, {"f": 0.1, "big": 2**62, "n": None}, {"deep": [{}]}]
    batch = [NewEvent("ledger.noted", "json-a", payloads[0])] + [
        NewEvent("ledger.entry_added", f"json-{n}", p) for n, p in enumerate(payloads)
    ]
    _append(engine, batch, user_id=5)
    with engine.connect() as conn:
        log = SqlEventLog(conn)
        query = EventQuery(5, **filters)
        expected = log.query(query)
        assert expected and json.loads(log.page_json(query)) == {"events": expected}


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 1, 22, 31, 17, 144999),
        dt.datetime(2026, 1, 2, 3, 4, 5),
        dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
    ],
)
def test_a_sqlite_timestamp_is_sliced_into_the_text_rfc3339_makes_of_it(moment):
    stored = DateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())(moment)
    assert _sqlite_stamp(stored) == rfc3339(moment)
    assert _sqlite_stamp(moment.isoformat(sep=" ", timespec="seconds")) == rfc3339(
        moment.replace(microsecond=0)
    )  # another writer's format: parsed


@pytest.mark.parametrize(
    "stored", ["2026-01-02 03:04:05", "2026-01-02T03:04:05.123456", "2026-01-02 04:04:05+01:00"]
)
def test_a_timestamp_another_writer_stored_reads_the_same_in_a_page_and_a_query(engine, stored):
    if engine.dialect.name != "sqlite":
        pytest.skip("text timestamps are SQLite's storage")
    _append(engine, [_event("other-writer")], user_id=6)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET created_at = ? WHERE user_id = 6", (stored,))
    with engine.connect() as conn:
        log = SqlEventLog(conn)
        expected = log.query(EventQuery(6))
        assert json.loads(log.page_json(EventQuery(6))) == {"events": expected}
    assert expected[0]["created_at"] == rfc3339(dt.datetime.fromisoformat(stored))


def test_sequences_are_per_user_so_one_user_never_learns_of_anothers_aggregate(engine):
    _append(engine, [_event("shared")], user_id=1)
    assert _append(engine, [_event("shared", expected=1)], user_id=2)[0]["sequence"] == 1


# --- the public API through the gateway -------------------------------------------------


@pytest.fixture
def api(platform):
    headers = {"X-User-Id": str(next(_users))}
    with httpx.Client(base_url=platform["gateway_url"], timeout=30, headers=headers) as client:
        yield client


def test_a_batch_with_an_invalid_500th_event_is_refused_naming_it_and_stores_nothing(api):
    aggregate = f"batch-{uuid.uuid4()}"
    event = {"type": "ledger.entry_added", "aggregate_id": aggregate}
    batch = [{**event, "payload": {"n": n}} for n in range(500)]
    batch[499] = {**batch[499], "payload": "not an object"}
    response = api.post("/api/v1/events/batch", json={"events": batch})
    assert response.status_code == 400
    assert response.json()["error"] == "events[499]: payload must be a JSON object"
    found = api.get("/api/v1/events", params={"aggregate_id": aggregate}).json()
    assert found == {"events": []}


def test_a_published_event_is_answered_with_its_sequence_and_read_back(api):
    aggregate = f"acc-{uuid.uuid4()}"
    body = {"type": "ledger.entry_added", "aggregate_id": aggregate, "payload": {"amount": 5}}
    first = api.post("/api/v1/events", json=body)
    second = api.post("/api/v1/events", json={**body, "expected_sequence": 2})
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["sequence"], second.json()["sequence"]) == (1, 2)
    conflict = api.post("/api/v1/events", json={**body, "expected_sequence": 2})
    assert conflict.status_code == 409
    assert conflict.json() == {
        "error": f"sequence conflict on aggregate {aggregate}: expected 2, current 2",
        "code": "sequence_conflict",
        "current_sequence": 2,
    }
    listed = api.get("/api/v1/events", params={"aggregate_id": aggregate}).json()["events"]
    assert [e["id"] for e in listed] == [first.json()["id"], second.json()["id"]]


def test_a_client_cannot_forge_a_domain_event(api):
    body = {"type": "order.created", "aggregate_id": "o-1", "payload": {}}
    response = api.post("/api/v1/events", json=body)
    assert (response.status_code, response.json()["code"]) == (400, "reserved_event_type")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": -1},
        {"after_id": -1},
        {"after_id": 2**63},
        {"after_id": 2**64},
        {"after_id": "x"},
    ],
)
def test_out_of_range_query_values_are_a_400_never_a_500(api, params):
    response = api.get("/api/v1/events", params=params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
