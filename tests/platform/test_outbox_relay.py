"""The outbox relay: rows written with the state change, published to every consumer, marked
processed only when all acknowledged, retried while one fails."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from shopstack.checkout.adapters.outbox import SqlOutbox
from shopstack.checkout.adapters.tables import metadata, outbox_events
from shopstack.checkout.service_layer.relay import OutboxRelay
from shopstack.contracts import CheckoutCompleted, Delivery
from shopstack.db import open_service_database, write_transaction
from shopstack.downstream import Downstream
from sqlalchemy import select


@pytest.fixture
def engine(settings):
    engine = open_service_database(settings, "checkout", metadata)
    yield engine
    engine.dispose()


class Consumers:
    """Fake consumer services behind an httpx MockTransport; ``down`` ones answer 503."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.down: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        service = {"50052": "cart", "50055": "orders", "50057": "notifications"}[
            str(request.url.port)
        ]
        if service in self.down:
            return httpx.Response(503, json={"error": "x", "code": "unavailable"})
        self.received.append((service, request.read().decode()))
        return httpx.Response(200, json={"status": "applied"})


COMPLETED = CheckoutCompleted(
    checkout_id="co-1",
    user_id=1,
    items=[{"product_id": 1, "product_name": "Laptop", "quantity": 1, "price": 1299.99}],
    total_amount=1299.99,
    payment_id="p-1",
)


def _write_completed(engine) -> str:
    with write_transaction(engine) as conn:
        return SqlOutbox(conn).add(aggregate_id="co-1", payload=COMPLETED)


def _processed(engine, event_id: str):
    with engine.connect() as conn:
        return conn.execute(
            select(outbox_events.c.processed_at).where(outbox_events.c.id == event_id)
        ).scalar_one()


async def _settle(relay: OutboxRelay, rounds: int = 20) -> None:
    for _ in range(rounds):
        await relay.dispatch()
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_event_goes_to_every_consumer_then_is_marked_processed(engine, monkeypatch):
    for name in ("CART", "ORDERS", "NOTIFICATIONS"):
        monkeypatch.delenv(f"SHOPSTACK_{name}_URL", raising=False)
    consumers = Consumers()

    async def scenario() -> None:
        client = Downstream("t", timeout_s=1, attempts=1, transport=httpx.MockTransport(consumers))
        relay = OutboxRelay(engine, client)
        event_id = _write_completed(engine)
        consumers.down = {"notifications"}
        await _settle(relay, rounds=3)
        assert _processed(engine, event_id) is None  # one consumer missing: not processed
        consumers.down = set()
        relay._retry.clear()  # skip the backoff wait
        await _settle(relay)
        assert _processed(engine, event_id) is not None
        services = sorted({service for service, _ in consumers.received})
        assert services == ["cart", "notifications", "orders"]
        delivered = Delivery.model_validate_json(consumers.received[-1][1])
        assert delivered.payload_as(CheckoutCompleted) == COMPLETED
        await relay.aclose()
        await client.aclose()

    asyncio.run(scenario())
