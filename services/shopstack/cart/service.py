"""The cart's use cases: read through the cache, change in the database, then invalidate."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool

from shopstack.caller import Caller
from shopstack.cart.cache import CartCache
from shopstack.cart.domain import Cart, check_product_id, check_quantity
from shopstack.cart.products import ProductLookup
from shopstack.cart.repository import CartRepository
from shopstack.cart.views import empty_view, render
from shopstack.contracts import CheckoutCompleted
from shopstack.errors import not_found
from shopstack.metrics import CACHE
from shopstack.wire import utcnow

log = logging.getLogger("shopstack.cart")


class CartService:
    def __init__(
        self, repository: CartRepository, cache: CartCache, products: ProductLookup
    ) -> None:
        self.repository = repository
        self.cache = cache
        self.products = products

    async def view(self, user: Caller) -> dict[str, Any]:
        cached, generation = await self.cache.lookup(user.key)
        if cached is not None:
            CACHE.labels("cart", "hit").inc()
            return cached
        CACHE.labels("cart", "miss").inc()
        cart = await run_in_threadpool(self.repository.get, user)
        view = await render(cart, user.user_id, self.products)
        await self.cache.fill(user.key, generation, view)
        return view

    async def add_item(self, user: Caller, product_id: int, quantity: int) -> dict[str, Any]:
        check_product_id(product_id)
        check_quantity(quantity)
        if await self.products.get(product_id) is None:
            raise not_found("product not found")
        return await self._change(
            user, lambda cart: cart.add(product_id, quantity, now=utcnow()), create=True
        )

    async def set_quantity(self, user: Caller, product_id: int, quantity: int) -> dict[str, Any]:
        check_product_id(product_id)
        check_quantity(quantity)
        return await self._change(
            user, lambda cart: cart.set_quantity(product_id, quantity, now=utcnow())
        )

    async def remove_item(self, user: Caller, product_id: int) -> dict[str, Any]:
        check_product_id(product_id)
        return await self._change(user, lambda cart: cart.remove(product_id, now=utcnow()))

    async def clear(self, user: Caller) -> dict[str, Any]:
        await self._invalidating(user, self.repository.clear, user)
        return empty_view(user.user_id)

    async def checkout_completed(self, event_id: str, event: CheckoutCompleted) -> str:
        """Take what the checkout bought out of the user's cart, once per event id."""
        buyer = Caller(event.tenant_id, event.user_id)
        outcome = await self._invalidating(
            buyer,
            self.repository.consume_checkout_completed,
            event_id,
            user=buyer,
            cart_id=event.cart_id,
            bought=event.bought(),
        )
        log.info("event %s (%s, cart %s): %s", event_id, event.EVENT_TYPE, event.cart_id, outcome)
        return outcome

    async def _change(
        self, user: Caller, mutate: Callable[[Cart], None], *, create: bool = False
    ) -> dict[str, Any]:
        cart = await self._invalidating(user, self.repository.change, user, mutate, create=create)
        return await render(cart, user.user_id, self.products)

    async def _invalidating(self, user: Caller, write: Callable[..., Any], /, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        """Run a database write with the user's cache entry invalidated before and after."""
        await self.cache.invalidate(user.key)
        try:
            return await run_in_threadpool(write, *args, **kwargs)
        finally:
            await self.cache.invalidate(user.key)
