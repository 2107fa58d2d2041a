"""Starting a checkout: idempotency first, then the cart snapshot, then the saga.

One idempotency key, one checkout. The key is UNIQUE in ``checkout_sessions``: of concurrent
requests with one key exactly one inserts the session and runs the saga; the others lose the
insert race, wait for the winner's final result and answer it. A replay answers the stored
result (same status code and body) when it is the same request: same user, same card token,
and the same cart content — or, once the checkout COMPLETED, a cart that is no longer the one
it bought (checkout clears it), so a retry after completion is still recognised. Anything else
with a used key is ``409 idempotency_conflict``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from shopstack.checkout.adapters import sessions
from shopstack.checkout.adapters.clients import ProductGone
from shopstack.checkout.domain.commands import StartCheckout
from shopstack.checkout.domain.model import (
    COMPLETED,
    INITIATED,
    TERMINAL,
    CartLine,
    CartSnapshot,
    content_fingerprint,
)
from shopstack.checkout.service_layer import saga
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.errors import ShopError
from shopstack.wire import to_decimal, utcnow

# How long a duplicate waits for the first request's saga: just under the gateway's 30 s
# timeout for a checkout call, so a slow saga under load still answers its duplicates.
REPLAY_WAIT_S = 25.0
_POLL_S = 0.05
_POLL_MAX_S = 0.5


def conflict() -> ShopError:
    return ShopError(
        409, "idempotency_conflict", "idempotency_key was already used for a different request"
    )


def cart_quantities(cart: dict[str, Any]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for item in cart.get("items") or []:
        pid = int(item["product_id"])
        quantities[pid] = quantities.get(pid, 0) + int(item["quantity"])
    return quantities


async def snapshot_of(rt: Runtime, cart: dict[str, Any]) -> CartSnapshot:
    """The cart's lines with names and prices from the catalogue, now."""
    quantities = cart_quantities(cart)
    try:
        products = await rt.services.products(list(quantities))
    except ProductGone as exc:
        raise ShopError(
            409,
            "product_unavailable",
            f"product {exc.product_id} is no longer available",
            product_id=exc.product_id,
        ) from exc
    lines = tuple(
        CartLine(pid, products[pid]["name"], qty, to_decimal(products[pid]["price"]))
        for pid, qty in quantities.items()
    )
    return CartSnapshot(cart.get("cart_id") or "", lines)


def new_session(command: StartCheckout, snapshot: CartSnapshot) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": str(uuid.uuid4()),
        "user_id": command.user_id,
        "cart_snapshot": snapshot.as_json(),
        "status": INITIATED,
        "idempotency_key": command.idempotency_key,
        "total_amount": snapshot.total,
        "currency": "USD",
        "created_at": now,
        "updated_at": now,
        "request_hash": content_fingerprint({x.product_id: x.quantity for x in snapshot.lines}),
        "card_token": command.card_token,
    }


def check_same_request(existing: dict[str, Any], command: StartCheckout, cart: dict) -> None:
    if existing["user_id"] != command.user_id or existing["card_token"] != command.card_token:
        raise conflict()
    if content_fingerprint(cart_quantities(cart)) == existing["request_hash"]:
        return
    bought_cart = existing["cart_snapshot"].get("cart_id", "")
    if existing["status"] == COMPLETED and (cart.get("cart_id") or "") != bought_cart:
        return
    raise conflict()


async def wait_for_result(rt: Runtime, checkout_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + REPLAY_WAIT_S
    pause = _POLL_S
    while True:
        session = await rt.db(sessions.get, checkout_id)
        if session["status"] in TERMINAL and session["result"]:
            return session["result"]
        if time.monotonic() > deadline:
            raise ShopError(
                409,
                "checkout_in_progress",
                "a checkout with this idempotency_key is still in progress; retry later",
            )
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, _POLL_MAX_S)  # many waiters must not load the database


async def replay(
    rt: Runtime, existing: dict[str, Any], command: StartCheckout, cart: dict[str, Any]
) -> dict[str, Any]:
    check_same_request(existing, command, cart)
    return await wait_for_result(rt, existing["id"])


async def start_checkout(rt: Runtime, command: StartCheckout) -> dict[str, Any]:
    """The result (status code and body) of ``POST /checkout``."""
    cart = await rt.services.cart(command.user_id)
    existing = await rt.db(sessions.find_by_key, command.idempotency_key)
    if existing is not None:
        return await replay(rt, existing, command, cart)
    if not cart.get("items"):
        raise ShopError(400, "empty_cart", "cart is empty")
    session = new_session(command, await snapshot_of(rt, cart))
    rt.active.add(session["id"])  # before the insert commits: recovery must not touch it
    try:
        recorded = await rt.db(sessions.insert_initiated, session)
        if recorded is None:  # lost the race for this key
            existing = await rt.db(sessions.find_by_key, command.idempotency_key)
            return await replay(rt, existing, command, cart)
        rt.published(recorded)
        return await saga.run(rt, session)
    finally:
        rt.active.discard(session["id"])
