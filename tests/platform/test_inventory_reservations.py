"""Inventory reservations against real SQLite and PostgreSQL: atomic, idempotent, expiring."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from shopstack.db import open_service_database
from shopstack.inventory import reservations
from shopstack.inventory.domain import InsufficientStock, ReservationLine, ReservationNotActive
from shopstack.inventory.stock import get_quantity, seed_if_empty, set_quantity
from shopstack.inventory.tables import metadata
from shopstack.wire import utcnow


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "inventory", metadata)
    seed_if_empty(engine)
    yield engine
    engine.dispose()


def test_seeds_contract_stock_when_empty(engine):
    assert [get_quantity(engine, pid) for pid in range(1, 6)] == [100, 500, 300, 150, 200]


def test_reservation_is_all_or_nothing(engine):
    set_quantity(engine, 10, 5)
    set_quantity(engine, 11, 1)
    lines = [ReservationLine(10, 2), ReservationLine(11, 3)]
    with pytest.raises(InsufficientStock) as raised:
        reservations.reserve(engine, "c-all", lines, ttl_s=60)
    assert (raised.value.product_id, raised.value.available, raised.value.requested) == (11, 1, 3)
    assert str(raised.value) == "Requested quantity (3) exceeds available stock (1)"
    assert (get_quantity(engine, 10), get_quantity(engine, 11)) == (5, 1)


def test_reserve_is_idempotent_by_checkout_id(engine):
    set_quantity(engine, 12, 5)
    first = reservations.reserve(engine, "c-idem", [ReservationLine(12, 2)], ttl_s=60)
    again = reservations.reserve(engine, "c-idem", [ReservationLine(12, 2)], ttl_s=60)
    assert first["id"] == again["id"] and get_quantity(engine, 12) == 3


def test_release_returns_stock_once_and_confirm_then_fails(engine):
    set_quantity(engine, 13, 5)
    row = reservations.reserve(engine, "c-rel", [ReservationLine(13, 4)], ttl_s=60)
    assert reservations.release(engine, row["id"]) == "RELEASED"
    assert reservations.release(engine, row["id"]) == "RELEASED"
    assert get_quantity(engine, 13) == 5
    with pytest.raises(ReservationNotActive):
        reservations.confirm(engine, row["id"])


def test_release_before_reserve_leaves_a_tombstone_that_blocks_the_late_reserve(engine):
    set_quantity(engine, 14, 5)
    assert reservations.release_for_checkout(engine, "c-late")["status"] == "RELEASED"
    late = reservations.reserve(engine, "c-late", [ReservationLine(14, 2)], ttl_s=60)
    assert late["status"] == "RELEASED" and get_quantity(engine, 14) == 5


def test_unconfirmed_reservation_expires_and_returns_stock(engine):
    set_quantity(engine, 15, 5)
    kept = reservations.reserve(engine, "c-kept", [ReservationLine(15, 1)], ttl_s=0.1)
    reservations.confirm(engine, kept["id"])
    reservations.reserve(engine, "c-exp", [ReservationLine(15, 3)], ttl_s=0.1)
    assert reservations.expire_due(engine, now=utcnow() + timedelta(seconds=1)) == 1
    assert get_quantity(engine, 15) == 4
    assert reservations.lookup(engine, kept["id"])["status"] == "CONFIRMED"


def test_fifty_concurrent_reservations_of_ten_items_never_oversell(engine):
    set_quantity(engine, 16, 10)

    def buy(i: int) -> bool:
        try:
            reservations.reserve(engine, f"c-race-{i}", [ReservationLine(16, 1)], ttl_s=60)
        except InsufficientStock:
            return False
        return True

    with ThreadPoolExecutor(25) as pool:
        outcomes = list(pool.map(buy, range(50)))
    assert outcomes.count(True) == 10 and get_quantity(engine, 16) == 0
