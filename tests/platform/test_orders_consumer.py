"""Orders built from checkout.completed: once per event and per checkout; newest first."""

from __future__ import annotations

import pytest
from shopstack.contracts import CheckoutCompleted
from shopstack.db import open_service_database
from shopstack.orders import store
from shopstack.orders.domain import order_id_for
from shopstack.orders.tables import metadata


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "orders", metadata)
    yield engine
    engine.dispose()


def _event(checkout_id: str, user_id: int = 9) -> CheckoutCompleted:
    return CheckoutCompleted.model_validate(
        {
            "checkout_id": checkout_id,
            "user_id": user_id,
            "cart_id": "c",
            "items": [{"product_id": 1, "product_name": "Laptop", "quantity": 1, "price": 1299.99}],
            "total_amount": 1299.99,
            "currency": "USD",
            "payment_id": "p",
        }
    )


def test_same_event_twice_creates_one_order(engine):
    assert store.apply_completed(engine, "e1", _event("co-1")) == "applied"
    assert store.apply_completed(engine, "e1", _event("co-1")) == "duplicate"
    assert store.apply_completed(engine, "e1-copy", _event("co-1")) == "duplicate"
    orders = store.list_for_user(engine, 9, tenant_id="default")
    assert [o["id"] for o in orders] == [order_id_for("co-1")]


def test_orders_are_listed_newest_first_per_user(engine):
    store.apply_completed(engine, "e2", _event("co-2", user_id=10))
    store.apply_completed(engine, "e3", _event("co-3", user_id=10))
    store.apply_completed(engine, "e4", _event("co-4", user_id=11))
    ids = [o["checkout_id"] for o in store.list_for_user(engine, 10, tenant_id="default")]
    assert ids == ["co-3", "co-2"]
