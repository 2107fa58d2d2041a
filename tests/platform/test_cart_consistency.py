"""No stale cart after a write has returned, under concurrent reads: over HTTP against the
platform, and on the service with a real database and each cache (in-process, Redis)."""

from __future__ import annotations

import asyncio
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest
from shopstack.caller import Caller
from shopstack.cart.cache import InProcessCartCache, RedisCartCache
from shopstack.cart.products import ProductInfo
from shopstack.cart.repository import CartRepository
from shopstack.cart.service import CartService
from shopstack.cart.tables import metadata
from shopstack.db import open_service_database

ROUNDS = 40

USER = Caller("default", 1)


def test_reads_racing_writes_never_show_an_older_quantity_over_http(platform):
    headers = {"X-User-Id": "888001"}
    base = platform["gateway_url"] + "/api/v1/cart"
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                client.get(base, headers=headers)

    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(4) as pool:
        client.post(base + "/items", json={"product_id": 2, "quantity": 1}, headers=headers)
        readers = [pool.submit(hammer) for _ in range(4)]
        try:
            for quantity in range(1, ROUNDS + 1):
                put = client.put(base + "/items/2", json={"quantity": quantity}, headers=headers)
                assert put.status_code == 200
                seen = client.get(base, headers=headers).json()["items"][0]["quantity"]
                assert seen == quantity, f"stale cart after write {quantity}: saw {seen}"
        finally:
            stop.set()
            for reader in readers:
                reader.result()


class FixedPrices:
    async def get(self, product_id):
        return ProductInfo(product_id, "thing", Decimal("1.00"))


async def _hammer_service(service: CartService) -> None:
    await service.add_item(USER, 7, 1)
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            await service.view(USER)
            await asyncio.sleep(0)  # a cache hit never suspends: let the writer run

    readers = [asyncio.create_task(reader()) for _ in range(4)]
    try:
        for quantity in range(1, ROUNDS + 1):
            await service.set_quantity(USER, 7, quantity)
            seen = (await service.view(USER))["items"][0]["quantity"]
            assert seen == quantity, f"stale cart after write {quantity}: saw {seen}"
    finally:
        stop.set()
        await asyncio.gather(*readers)


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_reads_racing_writes_never_show_an_older_quantity_in_the_service(kind, request, tmp_path):
    import dataclasses

    from shopstack.settings import Settings

    settings = dataclasses.replace(Settings.from_env(), state_dir=tmp_path, database_url=None)
    engine = open_service_database(settings, "cart", metadata)

    async def scenario() -> None:
        if kind == "memory":
            cache = InProcessCartCache()
        else:
            import redis.asyncio as aioredis

            url = request.getfixturevalue("redis_url")
            client = aioredis.from_url(url, decode_responses=True)
            cache = RedisCartCache(client, namespace="test_" + secrets.token_hex(4))
        try:
            await _hammer_service(CartService(CartRepository(engine), cache, FixedPrices()))
        finally:
            await cache.aclose()

    try:
        asyncio.run(scenario())
    finally:
        engine.dispose()
