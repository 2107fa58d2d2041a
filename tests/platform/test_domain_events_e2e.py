"""Domain events of two services in one log: checkout.completed (checkout), then order.created
(orders) naming the checkout; a declined card logs neither."""

from __future__ import annotations

import pytest
from saga_shop import Shop, eventually, new_key, new_user


@pytest.fixture(scope="module")
def shop(platform, admin_token):
    shop = Shop(platform, admin_token)
    yield shop
    shop.close()


def _events(shop: Shop, user: int, **params) -> list[dict]:
    answer = shop.http.get("/api/v1/events", params=params, headers=shop.who(user))
    return answer.json()["events"]


def test_completed_checkout_is_followed_by_order_created_naming_the_checkout(shop):
    user = new_user()
    shop.add(user, 1, 1)
    checkout_id = shop.checkout(user, new_key()).json()["checkout_id"]
    [created] = eventually(lambda: _events(shop, user, type="order.created"))
    [completed] = _events(shop, user, type="checkout.completed")
    assert completed["aggregate_id"] == checkout_id and completed["id"] < created["id"]
    assert created["payload"]["checkout_id"] == checkout_id
    assert created["aggregate_id"] == created["payload"]["order_id"]
    assert (created["sequence"], created["user_id"], created["payload"]["status"]) == (
        1,
        user,
        "CONFIRMED",
    )
    [order] = shop.http.get("/api/v1/orders", headers=shop.who(user)).json()["orders"]
    assert order["id"] == created["aggregate_id"]


def test_declined_card_logs_no_completion_and_no_order(shop):
    user = new_user()
    shop.add(user, 1, 1)
    shop.checkout(user, new_key(), payment={"card_token": "tok_chargeDeclined"})
    eventually(lambda: _events(shop, user, type="checkout.failed"))
    bought = _events(shop, user, type="checkout.completed") + _events(
        shop, user, type="order.created"
    )
    assert bought == []


def test_clients_still_cannot_forge_order_created(shop):
    user = new_user()
    forged = shop.http.post(
        "/api/v1/events",
        json={"type": "order.created", "aggregate_id": "o-1", "payload": {}},
        headers=shop.who(user),
    )
    assert forged.status_code == 400 and forged.json()["code"] == "reserved_event_type"
