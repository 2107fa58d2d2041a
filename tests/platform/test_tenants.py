"""Tenants (CONTRACT.md "Tenants"): the same numeric user id in two tenants is two people.

Through the gateway of the session platform (SQLite, or PostgreSQL with
``SHOPSTACK_TEST_PROFILE=postgres``): every route is isolated, another tenant's ids are
403 ``forbidden``, the rows carry ``tenant_id``, and idempotency keys are per (tenant, user).
The JWT half of the identity (claim ``tenant_id``) is checked on the resolver itself.
"""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest
from saga_shop import Shop, eventually, new_key, new_user
from shopstack.caller import Caller
from shopstack.cart.tables import metadata as cart_tables
from shopstack.db import (
    OutdatedSchema,
    ensure_schema,
    make_engine,
    open_service_database,
    service_database_url,
)
from shopstack.errors import ShopError
from shopstack.gateway import identity
from shopstack.orders.tables import metadata as orders_tables
from shopstack.settings import get_settings
from sqlalchemy import inspect, text
from websockets.sync.client import connect

FORBIDDEN = {"error": "forbidden", "code": "forbidden"}


@pytest.fixture(scope="module")
def shop(platform, admin_token):
    shop = Shop(platform, admin_token)
    yield shop
    shop.close()


def who(user: int, tenant: str | None) -> dict[str, str]:
    headers = {"X-User-Id": str(user)}
    if tenant is not None:
        headers["X-Tenant-Id"] = tenant
    return headers


def add(shop: Shop, user: int, tenant: str, product_id: int, quantity: int) -> dict:
    response = shop.http.post(
        "/api/v1/cart/items",
        json={"product_id": product_id, "quantity": quantity},
        headers=who(user, tenant),
    )
    assert response.status_code == 200, response.text
    return response.json()


def checkout(shop: Shop, user: int, tenant: str, key: str) -> httpx.Response:
    return shop.http.post(
        "/api/v1/checkout", json={"idempotency_key": key}, headers=who(user, tenant)
    )


def orders(shop: Shop, user: int, tenant: str) -> list[dict]:
    return shop.http.get("/api/v1/orders", headers=who(user, tenant)).json()["orders"]


@pytest.fixture(scope="module")
def bought(shop):
    """User N checks out a Mouse in ``acme`` and a Keyboard in ``globex``."""
    user = new_user()
    result = {}
    for tenant, product in (("acme", 2), ("globex", 3)):
        add(shop, user, tenant, product, 1)
        response = checkout(shop, user, tenant, new_key())
        assert response.status_code == 200 and response.json()["status"] == "COMPLETED"
        order = eventually(lambda t=tenant: orders(shop, user, t))[0]
        result[tenant] = {"checkout_id": response.json()["checkout_id"], "order": order}
    return user, result


def test_the_same_user_id_in_two_tenants_has_two_carts(shop):
    user = new_user()
    acme = add(shop, user, "acme", 1, 2)
    globex = add(shop, user, "globex", 4, 1)
    assert acme["cart_id"] != globex["cart_id"]
    seen = {
        t: shop.http.get("/api/v1/cart", headers=who(user, t)).json() for t in ("acme", "globex")
    }
    assert [(i["product_id"], i["quantity"]) for i in seen["acme"]["items"]] == [(1, 2)]
    assert [(i["product_id"], i["quantity"]) for i in seen["globex"]["items"]] == [(4, 1)]
    assert shop.cart(user)["items"] == []  # the default tenant: a third person
    shop.http.delete("/api/v1/cart", headers=who(user, "globex"))
    again = shop.http.get("/api/v1/cart", headers=who(user, "acme")).json()
    assert again["cart_id"] == acme["cart_id"]
    rows = shop.sql(
        "cart", "SELECT tenant_id FROM carts WHERE user_id = :u ORDER BY tenant_id", u=user
    )
    assert rows == [{"tenant_id": "acme"}]


def test_cart_changes_in_one_tenant_leave_the_other_alone(shop):
    user = new_user()
    add(shop, user, "acme", 1, 2)
    add(shop, user, "globex", 1, 5)
    changed = shop.http.put(
        "/api/v1/cart/items/1", json={"quantity": 9}, headers=who(user, "globex")
    )
    assert changed.status_code == 200
    removed = shop.http.delete("/api/v1/cart/items/1", headers=who(user, "globex"))
    assert removed.status_code == 200 and removed.json()["items"] == []
    missing = shop.http.put(
        "/api/v1/cart/items/1", json={"quantity": 3}, headers=who(user, "globex")
    )
    assert missing.status_code == 404
    acme = shop.http.get("/api/v1/cart", headers=who(user, "acme")).json()
    assert [(i["product_id"], i["quantity"]) for i in acme["items"]] == [(1, 2)]


def test_client_events_and_their_sequences_are_per_tenant(shop):
    user = new_user()
    event = {"type": "tenant.probe", "aggregate_id": "ledger-1", "payload": {"n": 1}}
    published = {
        tenant: shop.http.post("/api/v1/events", json=event, headers=who(user, tenant))
        for tenant in ("acme", "globex")
    }
    assert [r.status_code for r in published.values()] == [201, 201]
    assert [r.json()["sequence"] for r in published.values()] == [1, 1]  # two aggregates
    assert [r.json()["tenant_id"] for r in published.values()] == ["acme", "globex"]
    seen = shop.http.get(
        "/api/v1/events", params={"type": "tenant.probe"}, headers=who(user, "acme")
    ).json()["events"]
    assert [e["id"] for e in seen] == [published["acme"].json()["id"]]


def test_each_tenant_lists_only_its_own_orders_and_events(shop, bought):
    user, result = bought
    for tenant, other in (("acme", "globex"), ("globex", "acme")):
        listed = orders(shop, user, tenant)
        assert [o["checkout_id"] for o in listed] == [result[tenant]["checkout_id"]]
        assert all(o["tenant_id"] == tenant for o in listed)
        events = shop.http.get("/api/v1/events", headers=who(user, tenant)).json()["events"]
        aggregates = {e["aggregate_id"] for e in events}
        assert result[tenant]["checkout_id"] in aggregates
        assert result[other]["checkout_id"] not in aggregates
        assert {e["tenant_id"] for e in events} == {tenant}
        filtered = shop.http.get(
            "/api/v1/events",
            params={"aggregate_id": result[other]["checkout_id"]},
            headers=who(user, tenant),
        )
        assert filtered.json()["events"] == []


def test_another_tenants_checkout_and_order_are_forbidden(shop, bought):
    user, result = bought
    checkout_id = result["acme"]["checkout_id"]
    order_id = result["acme"]["order"]["id"]
    mine = shop.http.get(f"/api/v1/checkout/{checkout_id}", headers=who(user, "acme"))
    assert mine.status_code == 200 and mine.json()["tenant_id"] == "acme"
    for path in (f"/api/v1/checkout/{checkout_id}", f"/api/v1/orders/{order_id}"):
        for headers in (who(user, "globex"), who(user, None)):
            answer = shop.http.get(path, headers=headers)
            assert (answer.status_code, answer.json()) == (403, FORBIDDEN), path


def test_the_rows_carry_their_tenant(shop, bought):
    user, result = bought
    for tenant in ("acme", "globex"):
        checkout_id = result[tenant]["checkout_id"]
        sessions = shop.sql(
            "checkout",
            "SELECT tenant_id, user_id FROM checkout_sessions WHERE id = :c",
            c=checkout_id,
        )
        assert sessions == [{"tenant_id": tenant, "user_id": user}]
        order = shop.sql(
            "orders", "SELECT tenant_id FROM orders WHERE checkout_id = :c", c=checkout_id
        )
        assert order == [{"tenant_id": tenant}]
        logged = shop.sql(
            "checkout",
            "SELECT DISTINCT tenant_id FROM events WHERE aggregate_id = :c",
            c=checkout_id,
        )
        assert logged == [{"tenant_id": tenant}]

    def sent() -> list[dict] | None:
        rows = shop.sql(
            "notifications",
            "SELECT tenant_id, recipient FROM notifications WHERE user_id = :u "
            "AND status = 'SENT' ORDER BY tenant_id",
            u=user,
        )
        return rows if len(rows) == 2 else None

    mails = eventually(sent)
    assert mails == [
        {"tenant_id": "acme", "recipient": f"user{user}@acme.example.com"},
        {"tenant_id": "globex", "recipient": f"user{user}@globex.example.com"},
    ]


def test_idempotency_keys_are_scoped_per_tenant_and_user(shop):
    """One key, three people: three checkouts. Before tenants, the second got 409."""
    user, other, key = new_user(), new_user(), new_key("shared")
    people = [(user, "acme"), (other, "acme"), (user, "globex")]
    for person, tenant in people:
        add(shop, person, tenant, 2, 1)
    answers = [checkout(shop, person, tenant, key) for person, tenant in people]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json()["checkout_id"] for a in answers}) == 3
    replay = checkout(shop, user, "acme", key)
    assert replay.json() == answers[0].json()
    rows = shop.sql(
        "checkout",
        "SELECT tenant_id, user_id FROM checkout_sessions WHERE idempotency_key = :k "
        "ORDER BY tenant_id, user_id",
        k=key,
    )
    assert rows == [
        {"tenant_id": "acme", "user_id": user},
        {"tenant_id": "acme", "user_id": other},
        {"tenant_id": "globex", "user_id": user},
    ]


def test_the_event_stream_pushes_only_the_callers_tenant(shop):
    user = new_user()
    add(shop, user, "acme", 2, 1)
    url = shop.platform["gateway_url"].replace("http", "ws", 1) + "/api/v1/events/stream"
    with (
        connect(url, additional_headers=who(user, "acme"), open_timeout=5) as acme,
        connect(url, additional_headers=who(user, "globex"), open_timeout=5) as globex,
    ):
        checkout_id = checkout(shop, user, "acme", new_key()).json()["checkout_id"]
        pushed = [json.loads(acme.recv(timeout=5)) for _ in range(6)]
        with pytest.raises(TimeoutError):
            globex.recv(timeout=1)
    assert {(e["tenant_id"], e["aggregate_id"]) for e in pushed} == {("acme", checkout_id)}


def test_a_batch_and_a_stream_replay_stay_in_their_tenant(shop):
    """POST /events/batch writes in the caller's tenant; a replay (after_id) sends only it."""
    user = new_user()
    batch = {
        "events": [
            {"type": "tenant.batch", "aggregate_id": "ledger-b", "payload": {"n": n}}
            for n in (1, 2)
        ]
    }
    acme = shop.http.post("/api/v1/events/batch", json=batch, headers=who(user, "acme"))
    assert acme.status_code == 201, acme.text
    assert [e["tenant_id"] for e in acme.json()["events"]] == ["acme", "acme"]
    first_id = acme.json()["events"][0]["id"]
    single = {"type": "tenant.batch", "aggregate_id": "ledger-b", "payload": {"n": 9}}
    globex = shop.http.post("/api/v1/events", json=single, headers=who(user, "globex"))
    assert globex.status_code == 201 and globex.json()["sequence"] == 1  # not acme's 3rd
    listed = shop.http.get(
        "/api/v1/events", params={"aggregate_id": "ledger-b"}, headers=who(user, "globex")
    ).json()["events"]
    assert [e["id"] for e in listed] == [globex.json()["id"]]
    url = shop.platform["gateway_url"].replace("http", "ws", 1) + "/api/v1/events/stream"
    replay = f"{url}?after_id={first_id}&aggregate_id=ledger-b"  # acme's 2nd event is after it
    with connect(replay, additional_headers=who(user, "globex"), open_timeout=5) as stream:
        replayed = [json.loads(stream.recv(timeout=5))]
        with pytest.raises(TimeoutError):
            replayed.append(json.loads(stream.recv(timeout=1)))
    assert [(e["id"], e["tenant_id"]) for e in replayed] == [(globex.json()["id"], "globex")]


@pytest.mark.parametrize("tenant", ["Acme", "-acme", "a" * 64, "acme_corp", "ac me"])
def test_a_malformed_tenant_is_400_invalid_request(shop, tenant):
    answer = shop.http.get("/api/v1/cart", headers=who(1, tenant))
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_request"
    assert "X-Tenant-Id must match" in answer.json()["error"]


# --- JWT mode: the tenant_id claim ------------------------------------------------------------


@pytest.fixture
def jwt_mode(monkeypatch):
    secret = "s" * 32
    monkeypatch.setenv("SHOPSTACK_AUTH_MODE", "jwt")
    monkeypatch.setenv("SHOPSTACK_JWT_SECRET", secret)
    get_settings.cache_clear()
    yield (
        lambda **claims: (
            "Bearer "
            + jwt.encode({"exp": int(time.time()) + 60, **claims}, secret, algorithm="HS256")
        )
    )
    get_settings.cache_clear()


def test_jwt_tenant_comes_from_the_claim_and_the_header_is_ignored(jwt_mode):
    token = jwt_mode(user_id=7, tenant_id="acme")
    found = identity.resolve_caller(authorization=token, x_tenant_id="globex", x_user_id="9")
    assert found == Caller("acme", 7)
    assert identity.resolve_caller(authorization=jwt_mode(user_id=7)) == Caller("default", 7)


@pytest.mark.parametrize(("claim", "status"), [(42, 401), ("Not A Slug", 400)])
def test_jwt_with_a_malformed_tenant_claim_is_refused(jwt_mode, claim, status):
    with pytest.raises(ShopError) as refused:
        identity.resolve_caller(authorization=jwt_mode(user_id=7, tenant_id=claim))
    assert refused.value.status == status


# --- schema -----------------------------------------------------------------------------------


def test_fresh_databases_get_tenant_columns_and_old_ones_are_named(settings):
    fresh = open_service_database(settings, "cart", cart_tables)
    assert "tenant_id" in {c["name"] for c in inspect(fresh).get_columns("carts")}
    fresh.dispose()
    ensure_schema(settings, "orders")
    old = make_engine(service_database_url(settings, "orders", hide_password=False))
    with old.begin() as conn:  # an orders table as the shopstack before tenants made it
        conn.execute(text("CREATE TABLE orders (id VARCHAR(36) PRIMARY KEY, user_id INTEGER)"))
    old.dispose()
    with pytest.raises(OutdatedSchema, match=r"table 'orders' lacks .*tenant_id.*--fresh"):
        open_service_database(settings, "orders", orders_tables)
