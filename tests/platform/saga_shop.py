"""A shopper's view of a running platform for the checkout saga tests: HTTP through the
gateway, admin setup, read-only SQL on a service's database, and polling."""

from __future__ import annotations

import itertools
import os
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from sqlalchemy import create_engine, text

T = TypeVar("T")

_users = itertools.count(500_000 + (os.getpid() % 1000) * 1000)


def new_user() -> int:
    return next(_users)


def new_key(prefix: str = "k") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def eventually(probe: Callable[[], T], *, timeout_s: float = 10.0, every_s: float = 0.05) -> T:
    """Poll until ``probe`` returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_s}s: last value {value!r}")
        time.sleep(every_s)


class Shop:
    def __init__(self, platform: dict[str, Any], admin_token: str) -> None:
        self.platform = platform
        self.admin_token = admin_token
        self.http = httpx.Client(base_url=platform["gateway_url"], timeout=30)
        self._engines: dict[str, Any] = {}

    def close(self) -> None:
        self.http.close()
        for engine in self._engines.values():
            engine.dispose()

    # --- setup -------------------------------------------------------------------------------
    def product(self, *, stock: int, price: float = 10.0) -> int:
        response = self.http.post(
            "/api/v1/admin/products",
            json={"name": f"scarce-{uuid.uuid4().hex[:8]}", "price": price, "stock": stock},
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def add(self, user: int, product_id: int, quantity: int) -> dict:
        response = self.http.post(
            "/api/v1/cart/items",
            json={"product_id": product_id, "quantity": quantity},
            headers=self.who(user),
        )
        assert response.status_code == 200, response.text
        return response.json()

    # --- acting ------------------------------------------------------------------------------
    @staticmethod
    def who(user: int) -> dict[str, str]:
        return {"X-User-Id": str(user)}

    def checkout(self, user: int, key: str | None, **extra: Any) -> httpx.Response:
        body: dict[str, Any] = dict(extra)
        if key is not None:
            body["idempotency_key"] = key
        return self.http.post("/api/v1/checkout", json=body, headers=self.who(user))

    def cart(self, user: int) -> dict:
        return self.http.get("/api/v1/cart", headers=self.who(user)).json()

    # --- looking -----------------------------------------------------------------------------
    def sql(self, service: str, query: str, **params: Any) -> list[dict]:
        if service not in self._engines:
            url = self.platform["services"][service]["database_url"]
            self._engines[service] = create_engine(
                url.replace("postgresql://", "postgresql+psycopg://", 1)
            )
        with self._engines[service].connect() as conn:
            return [dict(row) for row in conn.execute(text(query), params).mappings()]

    def stock(self, product_id: int) -> int:
        rows = self.sql(
            "inventory", "SELECT quantity FROM stock WHERE product_id = :p", p=product_id
        )
        return rows[0]["quantity"]

    def session(self, checkout_id: str) -> dict:
        rows = self.sql("checkout", "SELECT * FROM checkout_sessions WHERE id = :i", i=checkout_id)
        return rows[0]

    def mails_to(self, user: int) -> list[dict]:
        messages = httpx.get(self.platform["mail"]["http_url"] + "/api/v1/messages").json()
        address = f"user{user}@example.com"
        return [m for m in messages["messages"] if m["To"][0]["Address"] == address]
