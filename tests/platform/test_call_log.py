"""Every call between services carries the caller's X-Request-ID and is logged with it, so
phasebook can draw a test's sequence diagram from the services' logs."""

from __future__ import annotations

import asyncio
import logging

import httpx
from shopstack.downstream import Downstream
from shopstack.metrics import REQUEST_ID


def test_downstream_forwards_the_request_id_of_the_request_being_served_and_logs_the_call(
    monkeypatch, caplog
):
    monkeypatch.delenv("SHOPSTACK_INVENTORY_URL", raising=False)
    seen: list[str | None] = []

    def inventory(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(201, json={"reservation_id": "r1"})

    async def scenario() -> None:
        client = Downstream(
            "checkout", timeout_s=1, attempts=1, transport=httpx.MockTransport(inventory)
        )
        token = REQUEST_ID.set("rid-42")
        try:
            await client.call("inventory", "POST", "/reservations", json={}, idempotent=True)
        finally:
            REQUEST_ID.reset(token)
        await client.aclose()

    with caplog.at_level(logging.INFO, logger="shopstack.calls"):
        asyncio.run(scenario())
    assert seen == ["rid-42"]
    lines = [r.getMessage() for r in caplog.records if r.name == "shopstack.calls"]
    assert len(lines) == 1
    assert lines[0].startswith("call out rid=rid-42 checkout->inventory POST /reservations 201 t0=")
