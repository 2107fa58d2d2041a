"""End-to-end tests of the admin routes: token required, products with stock, unlisted."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def api(platform):
    with httpx.Client(base_url=platform["gateway_url"], timeout=10) as client:
        yield client


@pytest.fixture
def admin(admin_token):
    return {"Authorization": f"Bearer {admin_token}"}


NEW = {"name": "Scarce widget", "price": 19.99, "stock": 5}


def test_admin_without_token_is_401(api):
    response = api.post("/api/v1/admin/products", json=NEW)
    assert (response.status_code, response.json()["code"]) == (401, "unauthorized")


def test_admin_with_a_wrong_token_is_403(api):
    response = api.post(
        "/api/v1/admin/products", json=NEW, headers={"Authorization": "Bearer nope"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_created_product_is_unlisted_but_usable_and_has_its_stock(api, admin, platform):
    created = api.post("/api/v1/admin/products", json=NEW, headers=admin)
    assert created.status_code == 201
    product = created.json()
    assert product["price"] == 19.99 and product["id"] > 5
    listed_ids = [p["id"] for p in api.get("/api/v1/products").json()["products"]]
    assert product["id"] not in listed_ids
    assert api.get(f"/api/v1/products/{product['id']}").json()["name"] == "Scarce widget"
    inventory = platform["services"]["inventory"]["url"]
    stock = httpx.get(f"{inventory}/stock/{product['id']}").json()
    assert stock["quantity"] == 5
    cart = api.post(
        "/api/v1/cart/items",
        json={"product_id": product["id"], "quantity": 1},
        headers={"X-User-Id": "424242"},
    )
    assert cart.json()["items"][0]["product_name"] == "Scarce widget"


def test_set_stock_sets_the_inventory_quantity(api, admin, platform):
    response = api.put("/api/v1/admin/stock/4", json={"quantity": 77}, headers=admin)
    assert response.json() == {"product_id": 4, "quantity": 77}
    inventory = platform["services"]["inventory"]["url"]
    assert httpx.get(f"{inventory}/stock/4").json()["quantity"] == 77
    api.put("/api/v1/admin/stock/4", json={"quantity": 150}, headers=admin)


def test_set_stock_of_an_unknown_product_is_404(api, admin):
    response = api.put("/api/v1/admin/stock/99999", json={"quantity": 1}, headers=admin)
    assert response.status_code == 404
