"""The cart read cache: in-process by default, Redis when ``SHOPSTACK_REDIS_URL`` is set.

The reference platform could serve a stale cart for minutes: a read that missed the cache
filled it with what it had read from the database *after* a concurrent write had already
invalidated the entry. Here every user (keyed ``<tenant>/<user id>``) has a generation number
that each invalidation bumps.
A reader notes the generation before it reads the database and fills the cache only if the
generation is still the same (atomically: under a lock in-process, in a Lua script in Redis).
Writers invalidate after their commit and before they answer, so once a write has returned
no reader can see the cart as it was before it.

The bookkeeping is bounded. In-process, generations live in an LRU of ``max_generations``
users; they come from one process-wide counter, and a user without an entry reads the highest
generation ever evicted, so an eviction can only refuse a fill, never let a stale one in.
In Redis, ``<namespace>:cart:{id}:gen`` expires after ``GENERATION_TTL_S`` (a day): far longer
than a cache entry lives or a read can take, so a generation never expires under a reader.

Redis keys start with the platform's ``SHOPSTACK_DB_NAMESPACE``, as its PostgreSQL schemas do:
two platforms that share one Redis (CI's workers, a staging and a test stack) never read each
other's carts.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Protocol

View = dict[str, Any]


class CartCache(Protocol):
    async def lookup(self, user_key: str) -> tuple[View | None, int]:
        """The cached view (or None) and the user's current generation."""

    async def fill(self, user_key: str, generation: int, view: View) -> bool:
        """Store ``view`` if the generation is still ``generation``; True if stored."""

    async def invalidate(self, user_key: str) -> None:
        """Drop the entry and start a new generation."""

    async def aclose(self) -> None: ...


GENERATION_TTL_S = 86_400


class InProcessCartCache:
    def __init__(self, *, max_entries: int = 10_000, max_generations: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._views: OrderedDict[str, View] = OrderedDict()
        self._generations: OrderedDict[str, int] = OrderedDict()
        self._max_entries = max_entries
        self._max_generations = max_generations
        self._counter = 0  # the last generation handed out, to any user
        self._evicted_floor = 0  # the highest generation evicted from _generations

    def _generation(self, user_key: str) -> int:
        return self._generations.get(user_key, self._evicted_floor)

    async def lookup(self, user_key: str) -> tuple[View | None, int]:
        with self._lock:
            view = self._views.get(user_key)
            if view is not None:
                self._views.move_to_end(user_key)
            return view, self._generation(user_key)

    async def fill(self, user_key: str, generation: int, view: View) -> bool:
        with self._lock:
            if self._generation(user_key) != generation:
                return False
            self._views[user_key] = view
            self._views.move_to_end(user_key)
            while len(self._views) > self._max_entries:
                self._views.popitem(last=False)
            return True

    async def invalidate(self, user_key: str) -> None:
        with self._lock:
            self._counter += 1
            self._generations[user_key] = self._counter
            self._generations.move_to_end(user_key)
            while len(self._generations) > self._max_generations:
                _user, evicted = self._generations.popitem(last=False)
                self._evicted_floor = max(self._evicted_floor, evicted)
            self._views.pop(user_key, None)

    def bookkeeping_size(self) -> int:
        """How many users' generations are remembered (bounded by ``max_generations``)."""
        return len(self._generations)

    async def aclose(self) -> None:
        return None


_FILL_IF_CURRENT = """
local current = redis.call('GET', KEYS[2]) or '0'
if current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class RedisCartCache:
    """Entries at ``<namespace>:cart:{user_key}`` (JSON, with a TTL), generations at
    ``<namespace>:cart:{user_key}:gen`` (expiring after ``generation_ttl_s``)."""

    def __init__(
        self,
        client: Any,
        *,
        namespace: str,
        ttl_s: int = 300,
        generation_ttl_s: int = GENERATION_TTL_S,
    ) -> None:
        self._redis = client
        self._namespace = namespace
        self._ttl_s = ttl_s
        self._generation_ttl_s = generation_ttl_s
        self._fill_script = client.register_script(_FILL_IF_CURRENT)

    def keys(self, user_key: str) -> tuple[str, str]:
        entry = f"{self._namespace}:cart:{user_key}"
        return entry, f"{entry}:gen"

    async def lookup(self, user_key: str) -> tuple[View | None, int]:
        raw, generation = await self._redis.mget(self.keys(user_key))
        view = json.loads(raw) if raw is not None else None
        return view, int(generation or 0)

    async def fill(self, user_key: str, generation: int, view: View) -> bool:
        stored = await self._fill_script(
            keys=list(self.keys(user_key)),
            args=[str(generation), json.dumps(view), self._ttl_s],
        )
        return bool(stored)

    async def invalidate(self, user_key: str) -> None:
        entry, generation = self.keys(user_key)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(generation)
            pipe.expire(generation, self._generation_ttl_s)
            pipe.delete(entry)
            await pipe.execute()

    async def aclose(self) -> None:
        await self._redis.aclose()


def open_cache(redis_url: str | None, *, namespace: str) -> CartCache:
    if not redis_url:
        return InProcessCartCache()
    import redis.asyncio as aioredis  # only needed in the Redis profile

    client = aioredis.from_url(redis_url, decode_responses=True)
    return RedisCartCache(client, namespace=namespace)
