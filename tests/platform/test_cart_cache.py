"""The cart read cache: a fill that races with a write can never serve the old cart after
the write has returned (the reference platform's bug), in-process and in Redis."""

from __future__ import annotations

import asyncio
import copy
import secrets
import threading
from decimal import Decimal

import pytest
from shopstack.caller import Caller
from shopstack.cart.cache import InProcessCartCache, RedisCartCache
from shopstack.cart.domain import new_cart
from shopstack.cart.products import ProductInfo
from shopstack.cart.service import CartService
from shopstack.wire import utcnow

USER = Caller("default", 1)


def _fresh_namespace() -> str:
    """A namespace no platform uses: the test Redis may be shared with running platforms."""
    return "test_" + secrets.token_hex(4)


class FakeProducts:
    async def get(self, product_id):
        return ProductInfo(product_id, f"product {product_id}", Decimal("10.00"))


class FakeRepository:
    """Carts in memory; ``hold_next_read`` parks the next read after it took its snapshot."""

    def __init__(self):
        self.carts = {}
        self.read_taken = threading.Event()
        self.release_read = threading.Event()
        self.hold = False

    def hold_next_read(self):
        self.hold = True

    def get(self, user_id):
        snapshot = copy.deepcopy(self.carts.get(user_id))
        if self.hold:
            self.hold = False
            self.read_taken.set()
            self.release_read.wait(5)
        return snapshot

    def change(self, user_id, mutate, *, create):
        cart = self.carts.get(user_id) or new_cart(user_id.user_id, now=utcnow())
        mutate(cart)
        self.carts[user_id] = cart
        return copy.deepcopy(cart)

    def clear(self, user_id):
        self.carts.pop(user_id, None)


class NaiveCache(InProcessCartCache):
    """What the reference platform does: fill whatever was read, whenever."""

    async def fill(self, user_id, generation, view):
        return await super().fill(user_id, self._generations.get(user_id, 0), view)


async def _race(cache) -> tuple[dict, dict]:
    """A read parks after its DB read; a write completes; the read then fills the cache."""
    repository = FakeRepository()
    service = CartService(repository, cache, FakeProducts())
    repository.hold_next_read()
    reader = asyncio.create_task(service.view(USER))
    await asyncio.to_thread(repository.read_taken.wait, 5)
    written = await service.add_item(USER, 1, 2)
    repository.release_read.set()
    await reader
    return written, await service.view(USER)


def test_a_fill_racing_a_write_is_discarded_in_process():
    written, after = asyncio.run(_race(InProcessCartCache()))
    assert after == written
    assert after["total_price"] == 20.0


def test_the_race_test_catches_a_naive_cache():
    written, after = asyncio.run(_race(NaiveCache()))
    assert after["items"] == [] and written["items"] != []


def test_a_fill_racing_a_write_is_discarded_in_redis(redis_url):
    import redis.asyncio as aioredis

    async def scenario():
        client = aioredis.from_url(redis_url, decode_responses=True)
        cache = RedisCartCache(client, namespace=_fresh_namespace())
        try:
            written, after = await _race(cache)
            stored = await client.get(cache.keys("default/1")[0])
        finally:
            await cache.aclose()
        return written, after, stored

    written, after, stored = asyncio.run(scenario())
    assert after == written
    assert stored is not None  # the read after the write filled the cache with the new cart


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_fill_is_refused_once_the_generation_moved(kind, request):
    async def scenario():
        if kind == "memory":
            cache = InProcessCartCache()
        else:
            import redis.asyncio as aioredis

            client = aioredis.from_url(request.getfixturevalue("redis_url"), decode_responses=True)
            cache = RedisCartCache(client, namespace=_fresh_namespace())
        try:
            _, generation = await cache.lookup(9)
            await cache.invalidate(9)
            refused = await cache.fill(9, generation, {"stale": True})
            _, current = await cache.lookup(9)
            accepted = await cache.fill(9, current, {"fresh": True})
            view, _ = await cache.lookup(9)
        finally:
            await cache.aclose()
        return refused, accepted, view

    refused, accepted, view = asyncio.run(scenario())
    assert (refused, accepted, view) == (False, True, {"fresh": True})


def test_in_process_cache_evicts_the_least_recently_used_entry():
    async def scenario():
        cache = InProcessCartCache(max_entries=2)
        for user in (1, 2, 3):
            await cache.fill(user, 0, {"user": user})
        return [(await cache.lookup(user))[0] for user in (1, 2, 3)]

    assert asyncio.run(scenario()) == [None, {"user": 2}, {"user": 3}]


def test_two_namespaces_on_one_redis_never_see_each_others_carts(redis_url):
    """Two platforms sharing a Redis (CI's workers did) keep their carts apart, as their
    PostgreSQL schemas do."""
    import redis.asyncio as aioredis

    async def scenario():
        client = aioredis.from_url(redis_url, decode_responses=True)
        one = RedisCartCache(client, namespace=_fresh_namespace())
        other = RedisCartCache(client, namespace=_fresh_namespace())
        try:
            _, generation = await one.lookup("default/1")
            filled = await one.fill("default/1", generation, {"platform": "one"})
            seen_by_other, _ = await other.lookup("default/1")
            await other.invalidate("default/1")
            still_there, _ = await one.lookup("default/1")
        finally:
            await one.aclose()
        return filled, seen_by_other, still_there

    filled, seen_by_other, still_there = asyncio.run(scenario())
    assert filled is True
    assert seen_by_other is None
    assert still_there == {"platform": "one"}
