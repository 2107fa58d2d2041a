"""The consumers' inbox: ``processed_events`` defined once, one ``claim`` for every consumer."""

from __future__ import annotations

import pytest
from shopstack import inbox
from shopstack.cart.tables import metadata as cart_tables
from shopstack.db import open_service_database, write_transaction
from shopstack.notifications.tables import metadata as notification_tables
from shopstack.orders.tables import metadata as order_tables
from sqlalchemy import MetaData, func, select


@pytest.fixture
def engine(settings):
    metadata = MetaData()
    inbox.install(metadata)
    engine = open_service_database(settings, "inbox", metadata)
    yield engine
    engine.dispose()


def _claimed(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(inbox.processed_events)).scalar()


def test_first_claim_wins_and_a_redelivery_finds_it_taken(engine):
    with write_transaction(engine) as conn:
        assert inbox.claim(conn, "ev-1") is True
    with write_transaction(engine) as conn:
        assert inbox.claim(conn, "ev-1") is False
        assert inbox.claim(conn, "ev-2") is True
    assert _claimed(engine) == 2


def test_a_claim_rolled_back_with_its_effect_can_be_claimed_again(engine):
    with pytest.raises(RuntimeError), write_transaction(engine) as conn:
        assert inbox.claim(conn, "ev-3") is True
        raise RuntimeError("the effect failed")
    with write_transaction(engine) as conn:
        assert inbox.claim(conn, "ev-3") is True


@pytest.mark.parametrize("tables", [cart_tables, order_tables, notification_tables])
def test_every_consumer_has_the_same_processed_events_table(tables):
    table = tables.tables["processed_events"]
    assert [(c.name, str(c.type)) for c in table.columns] == [
        ("event_id", "VARCHAR(64)"),
        ("processed_at", "DATETIME"),
    ]
