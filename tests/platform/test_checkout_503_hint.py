"""A checkout 503 tells the client whether replaying its idempotency key can still change the
outcome. In process: the gateway in front of the checkout service's own routes (an ASGI
transport), the saga on the in-memory fakes of :mod:`checkout_fakes`, a service switched off
with ``FakeServices.down``. What a stopped process does to the same answers is in
``test_checkout_faults.py``.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from checkout_fakes import FakeServices, fake_runtime
from fastapi import FastAPI
from fastapi.testclient import TestClient
from shopstack.checkout.domain.errors import DownstreamUnavailable
from shopstack.checkout.entrypoints.routes import router as checkout_routes
from shopstack.checkout.service_layer import recovery
from shopstack.downstream import Downstream
from shopstack.errors import install_error_handlers
from shopstack.gateway.app import create_app

USER = 7
HINT = "retry_with_same_idempotency_key"


class Shop:
    """The gateway, the checkout service behind it, and the fakes behind that."""

    def __init__(self) -> None:
        self.services = FakeServices()
        self.services.put_in_cart(USER, p1=1)
        self.runtime, self.store = fake_runtime(self.services)
        service = FastAPI()
        service.include_router(checkout_routes)
        install_error_handlers(service)
        service.state.runtime = self.runtime
        self.gateway = gateway(httpx.ASGITransport(app=service))

    def checkout(self, key: str) -> httpx.Response:
        return self.gateway.post(
            "/api/v1/checkout", json={"idempotency_key": key}, headers={"X-User-Id": str(USER)}
        )

    def only_session_id(self) -> str:
        [checkout_id] = self.store.sessions
        return checkout_id


def gateway(transport: httpx.AsyncBaseTransport) -> TestClient:
    app = create_app()
    app.state.downstream = Downstream("gateway", timeout_s=5, attempts=1, transport=transport)
    return TestClient(app, base_url="http://gateway.test")


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_payment_down_names_the_failed_session_and_says_not_to_replay(shop):
    shop.services.down = {"payment"}
    response = shop.checkout("k-payment-down")
    failed = {
        "error": "payment service unavailable",
        "code": "service_unavailable",
        "checkout_id": shop.only_session_id(),
        "status": "FAILED",
        HINT: False,  # FAILED for good: a replay answers this again, forever
    }
    assert (response.status_code, response.json()) == (503, failed)
    shop.services.down = set()
    replayed = shop.checkout("k-payment-down")
    assert (replayed.status_code, replayed.json()) == (503, failed)
    again = shop.checkout("k-new-key")  # what the flag tells the client to do
    assert (again.status_code, again.json()["status"]) == (200, "COMPLETED")


def test_cart_down_on_a_replay_names_the_session_it_replays(shop):
    shop.services.down = {"payment"}
    first = shop.checkout("k-cart-down")
    shop.services.down = {"cart"}
    replayed = shop.checkout("k-cart-down")
    assert replayed.status_code == 503
    assert replayed.json() == {
        "error": "cart service unavailable",
        "code": "service_unavailable",
        "checkout_id": first.json()["checkout_id"],
        "status": "FAILED",
        HINT: False,
    }


def test_inventory_down_at_confirmation_says_replay_and_the_replay_gives_the_outcome(shop):
    confirm = shop.services.confirm

    async def inventory_down(reservation_id: str) -> None:
        raise DownstreamUnavailable("inventory")

    shop.services.confirm = inventory_down
    response = shop.checkout("k-confirm-down")
    checkout_id = shop.only_session_id()
    assert (response.status_code, response.json()) == (
        503,
        {
            "error": "inventory service unavailable",
            "code": "service_unavailable",
            "checkout_id": checkout_id,
            "status": "PAYMENT_COMPLETED",  # paid: recovery completes it
            HINT: True,
        },
    )
    shop.services.confirm = confirm
    assert asyncio.run(recovery.recover_once(shop.runtime, stale_s=0.0)) == 1
    replayed = shop.checkout("k-confirm-down")
    assert (replayed.status_code, replayed.json()) == (
        200,
        {"checkout_id": checkout_id, "status": "COMPLETED"},
    )


def test_a_503_before_any_session_says_replay_and_names_none(shop):
    shop.services.down = {"catalog"}
    response = shop.checkout("k-catalog-down")
    assert (response.status_code, response.json()) == (
        503,
        {"error": "catalog service unavailable", "code": "service_unavailable", HINT: True},
    )
    assert shop.store.sessions == {}


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("no answer"), httpx.ConnectError("refused")],
    ids=["timed-out", "unreachable"],
)
def test_no_answer_from_the_checkout_service_says_replay(failure):
    def checkout_service(request: httpx.Request) -> httpx.Response:
        raise type(failure)(str(failure), request=request)

    response = gateway(httpx.MockTransport(checkout_service)).post(
        "/api/v1/checkout", json={"idempotency_key": "k-1"}, headers={"X-User-Id": str(USER)}
    )
    assert (response.status_code, response.json()) == (
        503,
        {"error": "checkout service unavailable", "code": "service_unavailable", HINT: True},
    )
