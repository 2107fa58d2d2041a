"""Starting a checkout: idempotency first, then the cart snapshot, then the saga.

One idempotency key, one checkout. The key is UNIQUE per (tenant, user) in ``checkout_sessions``
(another person's key is never a conflict): of concurrent
requests with one key exactly one inserts the session and runs the saga; the others lose the
insert race, wait for the winner's outcome and answer it. A replay answers the stored outcome
(the same result, or the same problem raised again) when it is the same request: same
card token, and the same cart content — or, once the checkout COMPLETED, a cart that is no
longer the one it bought (checkout clears it), so a retry after completion is still recognised.
Anything else with a used key is :class:`IdempotencyConflict`.

A service unavailable once a session exists (a stored problem raised again, inventory down at
confirmation, the cart down on a replay) is raised as :class:`DownstreamUnavailableForSession`:
the answer names the session and its status, so that a client can tell a checkout that may
still complete from one that failed for good.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shopstack.checkout.domain.commands import StartCheckout
from shopstack.checkout.domain.errors import (
    CheckoutInProgress,
    DownstreamUnavailable,
    DownstreamUnavailableForSession,
    EmptyCart,
    IdempotencyConflict,
    IdempotencyKeyTaken,
)
from shopstack.checkout.domain.model import (
    COMPLETED,
    TERMINAL,
    CartLine,
    CartSnapshot,
    content_fingerprint,
)
from shopstack.checkout.domain.session import CheckoutSession, Outcome
from shopstack.checkout.service_layer import saga
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.wire import to_decimal, utcnow

# How long a duplicate waits for the first request's saga: just under the gateway's 30 s
# timeout for a checkout call, so a slow saga under load still answers its duplicates.
REPLAY_WAIT_S = 25.0
_POLL_S = 0.05
_POLL_MAX_S = 0.5


def cart_quantities(cart: dict[str, Any]) -> dict[int, int]:
    quantities: dict[int, int] = {}
    for item in cart.get("items") or []:
        pid = int(item["product_id"])
        quantities[pid] = quantities.get(pid, 0) + int(item["quantity"])
    return quantities


async def snapshot_of(rt: Runtime, cart: dict[str, Any]) -> CartSnapshot:
    """The cart's lines with names and prices from the catalogue, now (ProductUnavailable)."""
    quantities = cart_quantities(cart)
    products = await rt.services.products(list(quantities))
    lines = tuple(
        CartLine(pid, products[pid]["name"], qty, to_decimal(products[pid]["price"]))
        for pid, qty in quantities.items()
    )
    return CartSnapshot(cart.get("cart_id") or "", lines)


def new_session(
    command: StartCheckout, snapshot: CartSnapshot, *, config_version: int = 0
) -> CheckoutSession:
    now = utcnow()
    return CheckoutSession(
        config_version=config_version,
        id=str(uuid.uuid4()),
        tenant_id=command.tenant_id,
        user_id=command.user_id,
        idempotency_key=command.idempotency_key,
        card_token=command.card_token,
        cart=snapshot,
        request_hash=content_fingerprint({x.product_id: x.quantity for x in snapshot.lines}),
        created_at=now,
        updated_at=now,
        total_amount=snapshot.total,
    )


def check_same_request(
    existing: CheckoutSession, command: StartCheckout, cart: dict[str, Any]
) -> None:
    if existing.card_token != command.card_token:
        raise IdempotencyConflict()
    if content_fingerprint(cart_quantities(cart)) == existing.request_hash:
        return
    if existing.status == COMPLETED and (cart.get("cart_id") or "") != existing.cart.cart_id:
        return
    raise IdempotencyConflict()


async def wait_for_outcome(rt: Runtime, checkout_id: str) -> Outcome:
    deadline = time.monotonic() + REPLAY_WAIT_S
    pause = _POLL_S
    while True:
        session = await rt.read(lambda uow: uow.sessions.get(checkout_id))
        if session is not None and session.status in TERMINAL and session.outcome:
            return session.outcome
        if time.monotonic() > deadline:
            raise CheckoutInProgress()
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, _POLL_MAX_S)  # many waiters must not load the database


async def replay(
    rt: Runtime, existing: CheckoutSession, command: StartCheckout, cart: dict[str, Any]
) -> Outcome:
    check_same_request(existing, command, cart)
    return await wait_for_outcome(rt, existing.id)


@contextmanager
def naming_the_session(checkout_id: str, status: Callable[[], str]) -> Iterator[None]:
    """A service unavailable inside says which session it stopped and, read when it is raised,
    the status that session is in."""
    try:
        yield
    except DownstreamUnavailable as exc:
        raise DownstreamUnavailableForSession(
            exc, checkout_id=checkout_id, status=status()
        ) from exc


def _find_by_key(uow: Any, command: StartCheckout) -> CheckoutSession | None:
    return uow.sessions.find_by_key(
        command.idempotency_key, tenant_id=command.tenant_id, user_id=command.user_id
    )


async def _cart(rt: Runtime, command: StartCheckout) -> dict[str, Any]:
    return await rt.services.cart(command.user_id, tenant_id=command.tenant_id)


async def _outcome(rt: Runtime, command: StartCheckout) -> Outcome:
    # The cart first, then the key: the session read is then never older than the cart, so a
    # cart the completed checkout already cleared is judged against a COMPLETED session (read
    # the other way round, a concurrent replay saw PAYMENT_COMPLETED and an emptied cart: 409).
    try:
        cart = await _cart(rt, command)
    except DownstreamUnavailable as exc:  # a replay still names its session
        existing = await rt.read(lambda uow: _find_by_key(uow, command))
        if existing is None:
            raise
        raise DownstreamUnavailableForSession(
            exc, checkout_id=existing.id, status=existing.status
        ) from exc
    existing = await rt.read(lambda uow: _find_by_key(uow, command))
    if existing is not None:
        return await replay(rt, existing, command, cart)
    if not cart.get("items"):
        raise EmptyCart()
    session = new_session(command, await snapshot_of(rt, cart), config_version=rt.config_version())
    rt.active.add(session.id)  # before the insert commits: recovery must not touch it
    try:
        try:
            await rt.record_new(session)
        except IdempotencyKeyTaken:  # lost the race for this key
            existing = await rt.read(lambda uow: _find_by_key(uow, command))
            return await replay(rt, existing, command, cart)
        with naming_the_session(session.id, lambda: session.status):
            return await saga.run(rt, session)
    finally:
        rt.active.discard(session.id)


async def start_checkout(rt: Runtime, command: StartCheckout) -> Outcome:
    """The outcome of ``POST /checkout``; a stored problem (insufficient stock, a service
    down) is raised as its domain exception, for the entrypoint to map; a service down also
    names the session (:func:`naming_the_session`)."""
    outcome = await _outcome(rt, command)
    with naming_the_session(outcome.checkout_id, lambda: outcome.status):
        outcome.raise_problem()
    return outcome
