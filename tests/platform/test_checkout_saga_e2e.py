"""End-to-end checkout saga through the gateway: plan tests 5.1, 5.2, 6.1, 7.1–7.3, seed 000
scenario 2, idempotency races, oversell races, duplicate event delivery, events and stream."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from saga_shop import Shop, eventually, new_key, new_user


@pytest.fixture(scope="module")
def shop(platform, admin_token):
    shop = Shop(platform, admin_token)
    yield shop
    shop.close()


def test_5_1_checkout_completes_and_5_2_cart_is_cleared(shop):
    user = new_user()
    shop.add(user, 1, 2)
    response = shop.checkout(user, new_key())
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "COMPLETED" and set(body) == {"checkout_id", "status"}
    eventually(lambda: shop.cart(user)["items"] == [], timeout_s=2)
    session = shop.session(body["checkout_id"])
    assert session["status"] == "COMPLETED" and session["payment_id"]
    reservations = shop.sql(
        "inventory", "SELECT status FROM reservations WHERE checkout_id = :c", c=body["checkout_id"]
    )
    assert reservations == [{"status": "CONFIRMED"}]
    outbox = shop.sql(
        "checkout",
        "SELECT event_type FROM outbox_events WHERE aggregate_id = :c",
        c=body["checkout_id"],
    )
    assert outbox == [{"event_type": "checkout.completed"}]


def test_completed_checkout_creates_order_and_emails_the_user(shop):
    user = new_user()
    shop.add(user, 3, 1)
    checkout_id = shop.checkout(user, new_key()).json()["checkout_id"]
    orders = eventually(
        lambda: shop.http.get("/api/v1/orders", headers=shop.who(user)).json()["orders"]
    )
    assert orders[0]["checkout_id"] == checkout_id and orders[0]["status"] == "CONFIRMED"
    assert orders[0]["total_amount"] == 89.99
    one = shop.http.get(f"/api/v1/orders/{orders[0]['id']}", headers=shop.who(user))
    assert one.status_code == 200
    other = shop.http.get(f"/api/v1/orders/{orders[0]['id']}", headers=shop.who(new_user()))
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    mails = eventually(lambda: shop.mails_to(user))
    assert orders[0]["id"] in mails[0]["Subject"]


def test_6_1_same_key_returns_same_checkout_without_new_work(shop):
    user, key = new_user(), new_key()
    shop.add(user, 2, 1)
    first = shop.checkout(user, key).json()
    eventually(lambda: shop.cart(user)["items"] == [])
    again = shop.checkout(user, key)
    assert again.status_code == 200 and again.json() == first
    payments = shop.sql(
        "payment",
        "SELECT count(*) AS n FROM payments WHERE checkout_id = :c",
        c=first["checkout_id"],
    )
    assert payments == [{"n": 1}]
    sessions = shop.sql(
        "checkout", "SELECT count(*) AS n FROM checkout_sessions WHERE idempotency_key = :k", k=key
    )
    assert sessions == [{"n": 1}]


def test_same_key_with_other_cart_is_a_conflict_and_other_user_gets_their_own(shop):
    user, key = new_user(), new_key()
    product = shop.product(stock=100)
    shop.add(user, product, 1)
    declined = shop.checkout(user, key, payment={"card_token": "tok_chargeDeclined"})
    assert declined.json()["status"] == "FAILED"
    shop.add(user, product, 1)  # the cart is intact after a decline; now it differs
    changed = shop.checkout(user, key, payment={"card_token": "tok_chargeDeclined"})
    other = new_user()
    shop.add(other, product, 1)
    theirs = shop.checkout(other, key, payment={"card_token": "tok_chargeDeclined"})
    expected = {
        "error": "idempotency_key was already used for a different request",
        "code": "idempotency_conflict",
    }
    assert (changed.status_code, changed.json()) == (409, expected)
    # keys are per (tenant, user): another user's key is never a conflict (CONTRACT.md)
    assert theirs.status_code == 200
    assert theirs.json()["checkout_id"] != declined.json()["checkout_id"]


def test_7_1_empty_cart_is_400(shop):
    response = shop.checkout(new_user(), new_key())
    assert response.status_code == 400
    assert response.json() == {"error": "cart is empty", "code": "empty_cart"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing_idempotency_key"),
        ({"idempotency_key": ""}, "missing_idempotency_key"),
        ({"idempotency_key": 42}, "invalid_request"),
        ({"idempotency_key": "x" * 256}, "invalid_request"),
        ({"idempotency_key": "k", "payment": "tok_visa"}, "invalid_request"),
    ],
)
def test_7_2_idempotency_key_is_required_and_a_string(shop, body, code):
    user = new_user()
    shop.add(user, 3, 1)
    response = shop.http.post("/api/v1/checkout", json=body, headers=shop.who(user))
    assert response.status_code == 400 and response.json()["code"] == code
    if code == "missing_idempotency_key":
        assert response.json()["error"] == "idempotency_key is required"


def test_malformed_json_is_400_invalid_request(shop):
    response = shop.http.post(
        "/api/v1/checkout", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"


def test_7_3_declined_payment_fails_releases_stock_and_keeps_cart(shop):
    user, product = new_user(), shop.product(stock=7)
    shop.add(user, product, 3)
    response = shop.checkout(user, new_key(), payment={"card_token": "tok_chargeDeclined"})
    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["failure_reason"]) == ("FAILED", "payment_declined")
    assert shop.stock(product) == 7
    reservation = shop.sql(
        "inventory", "SELECT status FROM reservations WHERE checkout_id = :c", c=body["checkout_id"]
    )
    assert reservation == [{"status": "RELEASED"}]
    assert shop.session(body["checkout_id"])["status"] == "FAILED"
    assert [i["quantity"] for i in shop.cart(user)["items"]] == [3]


def test_seed000_insufficient_stock_is_409_with_exact_body(shop):
    user, product = new_user(), shop.product(stock=5)
    shop.add(user, product, 10)
    response = shop.checkout(user, new_key())
    assert response.status_code == 409
    assert response.json() == {
        "error": "insufficient_stock",
        "code": "insufficient_stock",
        "message": "Requested quantity (10) exceeds available stock (5)",
        "product_id": product,
        "available": 5,
        "requested": 10,
    }
    [session] = shop.sql(
        "checkout",
        "SELECT id, status, failure_reason FROM checkout_sessions WHERE user_id = :u",
        u=user,
    )
    assert (session["status"], session["failure_reason"]) == ("FAILED", "insufficient_stock")
    assert shop.stock(product) == 5
    payments = shop.sql(
        "payment", "SELECT id FROM payments WHERE checkout_id = :c", c=session["id"]
    )
    assert payments == []
    assert shop.mails_to(user) == []


def test_get_checkout_is_owner_only_and_404_for_unknown_or_malformed(shop):
    user = new_user()
    shop.add(user, 2, 1)
    checkout_id = shop.checkout(user, new_key()).json()["checkout_id"]
    mine = shop.http.get(f"/api/v1/checkout/{checkout_id}", headers=shop.who(user))
    assert mine.status_code == 200 and mine.json()["status"] == "COMPLETED"
    theirs = shop.http.get(f"/api/v1/checkout/{checkout_id}", headers=shop.who(new_user()))
    assert theirs.status_code == 403
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        assert shop.http.get(f"/api/v1/checkout/{bad}", headers=shop.who(user)).status_code == 404


def test_50_concurrent_buyers_of_10_items_never_oversell(shop):
    product = shop.product(stock=10)
    buyers = [new_user() for _ in range(50)]
    for user in buyers:
        shop.add(user, product, 1)
    with ThreadPoolExecutor(25) as pool:
        responses = list(pool.map(lambda u: shop.checkout(u, new_key("race")), buyers))
    completed = [r for r in responses if r.status_code == 200 and r.json()["status"] == "COMPLETED"]
    refused = [r for r in responses if r.status_code == 409]
    assert len(completed) == 10 and len(refused) == 40, [r.status_code for r in responses]
    assert all(r.json()["code"] == "insufficient_stock" for r in refused)
    assert shop.stock(product) == 0
    confirmed = shop.sql(
        "inventory",
        "SELECT COALESCE(SUM(l.quantity), 0) AS n FROM reservation_lines l "
        "JOIN reservations r ON r.id = l.reservation_id "
        "WHERE l.product_id = :p AND r.status = 'CONFIRMED'",
        p=product,
    )
    assert confirmed == [{"n": 10}]


def test_20_concurrent_requests_with_one_key_make_one_checkout(shop):
    user, key, product = new_user(), new_key("dup"), shop.product(stock=50)
    shop.add(user, product, 2)
    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(lambda _: shop.checkout(user, key), range(20)))
    others = [r.json() for r in responses if r.status_code != 200]
    assert {r.status_code for r in responses} == {200}, others
    assert len({r.json()["checkout_id"] for r in responses}) == 1
    assert {r.json()["status"] for r in responses} == {"COMPLETED"}
    checkout_id = responses[0].json()["checkout_id"]
    sessions = shop.sql(
        "checkout", "SELECT count(*) AS n FROM checkout_sessions WHERE idempotency_key = :k", k=key
    )
    payments = shop.sql(
        "payment", "SELECT count(*) AS n FROM payments WHERE checkout_id = :c", c=checkout_id
    )
    assert sessions == [{"n": 1}] and payments == [{"n": 1}]
    assert shop.stock(product) == 48


def test_an_event_delivered_twice_has_one_effect(shop):
    user = new_user()
    shop.add(user, 4, 1)
    checkout_id = shop.checkout(user, new_key()).json()["checkout_id"]
    eventually(
        lambda: shop.sql(
            "checkout",
            "SELECT processed_at FROM outbox_events WHERE aggregate_id = :c "
            "AND processed_at IS NOT NULL",
            c=checkout_id,
        )
    )
    [row] = shop.sql(
        "checkout", "SELECT * FROM outbox_events WHERE aggregate_id = :c", c=checkout_id
    )
    payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
    event = {
        "id": row["id"],
        "event_type": row["event_type"],
        "aggregate_id": checkout_id,
        "payload": payload,
        "created_at": None,
    }
    shop.add(user, 2, 1)  # a new cart that must survive the redelivery
    for service in ("cart", "orders", "notifications"):
        url = shop.platform["services"][service]["url"] + "/events"
        assert httpx.post(url, json=event).json() == {"status": "duplicate"}, service
    orders = shop.sql("orders", "SELECT id FROM orders WHERE checkout_id = :c", c=checkout_id)
    notes = shop.sql(
        "notifications", "SELECT id FROM notifications WHERE event_id = :e", e=row["id"]
    )
    assert len(orders) == 1 and len(notes) == 1 and len(shop.mails_to(user)) == 1
    assert [i["product_id"] for i in shop.cart(user)["items"]] == [2]


def test_events_are_logged_per_user_and_streamed(shop):
    from websockets.sync.client import connect

    user = new_user()
    shop.add(user, 2, 1)
    ws_url = shop.platform["gateway_url"].replace("http", "ws", 1) + "/api/v1/events/stream"
    with connect(ws_url, additional_headers=shop.who(user), open_timeout=5) as ws:
        checkout_id = shop.checkout(user, new_key()).json()["checkout_id"]
        streamed = [json.loads(ws.recv(timeout=5)) for _ in range(6)]
    statuses = [
        e["payload"]["to"] for e in streamed if e["event_type"] == "checkout.status_changed"
    ]
    assert statuses == [
        "INITIATED",
        "INVENTORY_RESERVED",
        "PAYMENT_PENDING",
        "PAYMENT_COMPLETED",
        "COMPLETED",
    ]
    assert {e["aggregate_id"] for e in streamed} == {checkout_id}
    logged = shop.http.get(
        "/api/v1/events", params={"type": "checkout.completed"}, headers=shop.who(user)
    ).json()["events"]
    assert [e["aggregate_id"] for e in logged] == [checkout_id]
    others = shop.http.get("/api/v1/events", headers=shop.who(new_user())).json()["events"]
    assert others == []
    bad = shop.http.get("/api/v1/events", params={"limit": 1001}, headers=shop.who(user))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"
