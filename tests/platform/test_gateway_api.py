"""End-to-end tests of the gateway over HTTP against ``shopstack up`` (products, cart, errors)."""

from __future__ import annotations

import itertools
import os
import re

import httpx
import pytest

_users = itertools.count(1000 + (os.getpid() % 1000) * 1000)


@pytest.fixture
def api(platform):
    with httpx.Client(base_url=platform["gateway_url"], timeout=10) as client:
        yield client


@pytest.fixture
def user(api):
    """Headers of a user of its own, so tests do not share a cart."""
    return {"X-User-Id": str(next(_users))}


def test_health_is_exactly_ok(api):
    response = api.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_lists_every_service_as_ok(api):
    body = api.get("/health/ready").json()
    assert body["status"] == "ok"
    assert set(body["services"]) >= {"catalog", "cart", "inventory"}


def test_products_are_the_five_seed_products_by_id(api):
    products = api.get("/api/v1/products").json()["products"]
    assert [p["id"] for p in products] == [1, 2, 3, 4, 5]
    assert products[0] == {
        "id": 1,
        "name": "Laptop",
        "description": "High-performance laptop",
        "price": 1299.99,
        "image_url": "http://example.com/laptop.jpg",
        "created_at": products[0]["created_at"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", products[0]["created_at"])


def test_unknown_product_is_404_product_not_found(api):
    response = api.get("/api/v1/products/999")
    assert (response.status_code, response.json()) == (
        404,
        {"error": "product not found", "code": "not_found"},
    )


def test_cart_plan_phase_3_totals(api, user):
    add = api.post("/api/v1/cart/items", json={"product_id": 1, "quantity": 2}, headers=user)
    cart_id = add.json()["cart_id"]
    assert re.fullmatch(r"[0-9a-f]{24}", cart_id) and add.json()["total_price"] == 2599.98
    second = api.post("/api/v1/cart/items", json={"product_id": 2, "quantity": 1}, headers=user)
    assert (second.json()["cart_id"], second.json()["total_price"]) == (cart_id, 2629.97)
    assert second.json()["total_items"] == 2
    updated = api.put("/api/v1/cart/items/2", json={"quantity": 3}, headers=user).json()
    assert updated["total_price"] == 2689.95
    assert api.get("/api/v1/cart", headers=user).json() == updated
    removed = api.delete("/api/v1/cart/items/2", headers=user).json()
    assert [i["product_id"] for i in removed["items"]] == [1] and removed["total_price"] == 2599.98


def test_clear_gives_the_empty_shape_and_a_new_cart_id_afterwards(api, user):
    first = api.post("/api/v1/cart/items", json={"product_id": 3, "quantity": 1}, headers=user)
    cleared = api.delete("/api/v1/cart", headers=user)
    assert cleared.json() == {
        "cart_id": "",
        "user_id": int(user["X-User-Id"]),
        "items": [],
        "total_items": 0,
        "total_price": 0,
        "updated_at": "0001-01-01T00:00:00Z",
    }
    again = api.post("/api/v1/cart/items", json={"product_id": 3, "quantity": 1}, headers=user)
    assert again.json()["cart_id"] != first.json()["cart_id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"product_id": 999, "quantity": 1}, 404, "not_found"),
        ({"product_id": 1, "quantity": 0}, 400, "invalid_quantity"),
        ({"product_id": 1, "quantity": 100}, 400, "invalid_quantity"),
        ({"product_id": 0, "quantity": 1}, 400, "invalid_product_id"),
        ({"product_id": "1", "quantity": 1}, 400, "invalid_product_id"),
        ({"product_id": 1, "quantity": "2"}, 400, "invalid_request"),
        ({"product_id": 1, "quantity": 2.5}, 400, "invalid_request"),
        ({"product_id": 1, "quantity": True}, 400, "invalid_request"),
        ({"quantity": 1}, 400, "invalid_request"),
        ([1, 2], 400, "invalid_request"),
    ],
)
def test_add_item_validation(api, user, body, status, code):
    response = api.post("/api/v1/cart/items", json=body, headers=user)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_malformed_json_is_400_invalid_request(api, user):
    response = api.post(
        "/api/v1/cart/items",
        content=b'{"product_id": 1,',
        headers={**user, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid request body: malformed JSON",
        "code": "invalid_request",
    }


def test_update_of_an_item_not_in_the_cart_is_404(api, user):
    response = api.put("/api/v1/cart/items/999", json={"quantity": 5}, headers=user)
    assert response.json() == {"error": "item not found in cart", "code": "not_found"}
    assert response.status_code == 404


def test_unknown_route_is_404_in_the_error_shape(api):
    response = api.get("/api/v1/nothing-here")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_request_id_is_echoed(api):
    response = api.get("/api/v1/products", headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"


def test_openapi_documents_errors_and_never_422(api):
    document = api.get("/openapi.json").json()
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert all("422" not in op.get("responses", {}) for op in operations)
    add = document["paths"]["/api/v1/cart/items"]["post"]["responses"]
    assert add["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorPublic")
    assert "CartPublic" in document["components"]["schemas"]
