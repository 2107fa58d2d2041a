"""The cart read cache: in-process by default, Redis when ``SHOPSTACK_REDIS_URL`` is set.

The reference platform could serve a stale cart for minutes: a read that missed the cache
filled it with what it had read from the database *after* a concurrent write had already
invalidated the entry. Here every user has a generation number that each invalidation bumps.
A reader notes the generation before it reads the database and fills the cache only if the
generation is still the same (atomically: under a lock in-process, in a Lua script in Redis).
Writers invalidate after their commit and before they answer, so once a write has returned
no reader can see the cart as it was before it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Protocol

View = dict[str, Any]


class CartCache(Protocol):
    async def lookup(self, user_id: int) -> tuple[View | None, int]:
        """The cached view (or None) and the user's current generation."""

    async def fill(self, user_id: int, generation: int, view: View) -> bool:
        """Store ``view`` if the generation is still ``generation``; True if stored."""

    async def invalidate(self, user_id: int) -> None:
        """Drop the entry and start a new generation."""

    async def aclose(self) -> None: ...


class InProcessCartCache:
    def __init__(self, *, max_entries: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._views: OrderedDict[int, View] = OrderedDict()
        self._generations: dict[int, int] = {}
        self._max_entries = max_entries

    async def lookup(self, user_id: int) -> tuple[View | None, int]:
        with self._lock:
            view = self._views.get(user_id)
            if view is not None:
                self._views.move_to_end(user_id)
            return view, self._generations.get(user_id, 0)

    async def fill(self, user_id: int, generation: int, view: View) -> bool:
        with self._lock:
            if self._generations.get(user_id, 0) != generation:
                return False
            self._views[user_id] = view
            self._views.move_to_end(user_id)
            while len(self._views) > self._max_entries:
                self._views.popitem(last=False)
            return True

    async def invalidate(self, user_id: int) -> None:
        with self._lock:
            self._generations[user_id] = self._generations.get(user_id, 0) + 1
            self._views.pop(user_id, None)

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
    """Entries at ``cart:{user_id}`` (JSON, with a TTL), generations at ``cart:{user_id}:gen``."""

    def __init__(self, client: Any, *, ttl_s: int = 300) -> None:
        self._redis = client
        self._ttl_s = ttl_s
        self._fill_script = client.register_script(_FILL_IF_CURRENT)

    @staticmethod
    def keys(user_id: int) -> tuple[str, str]:
        return f"cart:{user_id}", f"cart:{user_id}:gen"

    async def lookup(self, user_id: int) -> tuple[View | None, int]:
        raw, generation = await self._redis.mget(self.keys(user_id))
        view = json.loads(raw) if raw is not None else None
        return view, int(generation or 0)

    async def fill(self, user_id: int, generation: int, view: View) -> bool:
        stored = await self._fill_script(
            keys=list(self.keys(user_id)),
            args=[str(generation), json.dumps(view), self._ttl_s],
        )
        return bool(stored)

    async def invalidate(self, user_id: int) -> None:
        entry, generation = self.keys(user_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(generation)
            pipe.delete(entry)
            await pipe.execute()

    async def aclose(self) -> None:
        await self._redis.aclose()


def open_cache(redis_url: str | None) -> CartCache:
    if not redis_url:
        return InProcessCartCache()
    import redis.asyncio as aioredis  # only needed in the Redis profile

    return RedisCartCache(aioredis.from_url(redis_url, decode_responses=True))
