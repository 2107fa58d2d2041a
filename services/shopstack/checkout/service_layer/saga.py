"""The checkout saga, orchestrated: reserve stock, charge, confirm, complete.

Every status is persisted before the next remote call, so a crash leaves a session that the
recovery loop can finish or compensate. Each step returns None to continue, or the final
*result* — ``{"status_code", "body"}``, stored on the session so that a replay with the same
idempotency key answers exactly the same.

Compensation on payment trouble: when payment is unreachable after retries we cannot know
whether a charge was captured (a timeout may hide a success). The session becomes FAILED
``payment_unavailable`` at once (the caller gets 503), the reservation is released, and the
``checkout.failed`` outbox event — delivered at least once — makes the payment service void the
checkout: refund a capture, or record a VOIDED row so that a charge still in flight is refused.
The charge is keyed by checkout id, so that void settles the question for good.
"""

from __future__ import annotations

import logging
from typing import Any

from shopstack.checkout.adapters.clients import (
    InsufficientStockAnswer,
    ReservationGone,
)
from shopstack.checkout.adapters.sessions import Transition
from shopstack.checkout.domain import events
from shopstack.checkout.domain.model import (
    COMPLETED,
    FAILED,
    INITIATED,
    INSUFFICIENT_STOCK,
    INTERRUPTED,
    INVENTORY_RESERVED,
    INVENTORY_UNAVAILABLE,
    PAYMENT_COMPLETED,
    PAYMENT_DECLINED,
    PAYMENT_PENDING,
    PAYMENT_UNAVAILABLE,
    RESERVATION_EXPIRED,
    CartSnapshot,
)
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.errors import ShopError
from shopstack.wire import money

log = logging.getLogger("shopstack.checkout.saga")

Result = dict[str, Any]


def answer(checkout_id: str, status: str, reason: str | None = None) -> Result:
    body: dict[str, Any] = {"checkout_id": checkout_id, "status": status}
    if reason:
        body["failure_reason"] = reason
    return {"status_code": 200, "body": body}


def error_answer(status_code: int, body: dict[str, Any]) -> Result:
    return {"status_code": status_code, "body": body}


async def fail(
    rt: Runtime,
    session: dict[str, Any],
    reason: str,
    result: Result,
    *,
    payment_attempted: bool = False,
    **fields: Any,
) -> Result:
    """Persist FAILED with its result; the outbox asks inventory/payment to compensate."""
    payload = {
        "checkout_id": session["id"],
        "user_id": session["user_id"],
        "failure_reason": reason,
        "payment_attempted": payment_attempted,
    }
    await rt.record(
        Transition(
            session["id"],
            session["user_id"],
            session["status"],
            FAILED,
            fields={"failure_reason": reason, "result": result, **fields},
            domain_events=[(events.FAILED, payload)],
            outbox=[(events.FAILED, payload)],
        )
    )
    session.update(status=FAILED, failure_reason=reason, result=result, **fields)
    log.info("checkout %s FAILED: %s", session["id"], reason)
    return result


async def advance(rt: Runtime, session: dict[str, Any], status: str, **fields: Any) -> None:
    step = Transition(session["id"], session["user_id"], session["status"], status, fields=fields)
    await rt.record(step)
    session.update(status=status, **fields)


async def release_quietly(rt: Runtime, session: dict[str, Any]) -> None:
    """Release now if inventory answers; otherwise the checkout.failed event will."""
    try:
        await rt.services.release(session["id"])
    except ShopError as exc:
        log.warning("checkout %s: release deferred to the outbox: %s", session["id"], exc.message)


async def reserve(rt: Runtime, session: dict[str, Any]) -> Result | None:
    snapshot = CartSnapshot.from_json(session["cart_snapshot"])
    lines = [{"product_id": x.product_id, "quantity": x.quantity} for x in snapshot.lines]
    try:
        reservation = await rt.services.reserve(session["id"], lines)
    except InsufficientStockAnswer as exc:
        return await fail(rt, session, INSUFFICIENT_STOCK, error_answer(409, exc.body))
    except ShopError as exc:  # unreachable after retries (503), or an unexpected answer
        await release_quietly(rt, session)
        return await fail(rt, session, INVENTORY_UNAVAILABLE, error_answer(exc.status, exc.body()))
    if reservation["status"] != "RESERVED":  # compensated already (a tombstone)
        return await fail(rt, session, INTERRUPTED, answer(session["id"], FAILED, INTERRUPTED))
    await advance(
        rt, session, INVENTORY_RESERVED, inventory_reservation_id=reservation["reservation_id"]
    )
    return None


async def pay(rt: Runtime, session: dict[str, Any]) -> Result | None:
    try:
        charge = await rt.services.charge(
            session["id"],
            amount=session["total_amount"],
            currency=session["currency"],
            card_token=session["card_token"],
        )
    except ShopError as exc:  # outcome unknown: see the module docstring
        await release_quietly(rt, session)
        result = error_answer(exc.status, exc.body())
        return await fail(rt, session, PAYMENT_UNAVAILABLE, result, payment_attempted=True)
    if charge.status == "CAPTURED":
        await advance(rt, session, PAYMENT_COMPLETED, payment_id=charge.payment_id)
        return None
    await release_quietly(rt, session)
    result = answer(session["id"], FAILED, PAYMENT_DECLINED)
    return await fail(rt, session, PAYMENT_DECLINED, result, payment_id=charge.payment_id)


def completed_payload(session: dict[str, Any]) -> dict[str, Any]:
    """The ``checkout.completed`` payload of docs/architecture.md."""
    snapshot = session["cart_snapshot"]
    return {
        "checkout_id": session["id"],
        "user_id": session["user_id"],
        "cart_id": snapshot.get("cart_id", ""),
        "items": snapshot["items"],
        "total_amount": money(session["total_amount"]),
        "currency": session["currency"],
        "payment_id": session["payment_id"],
    }


async def finish(rt: Runtime, session: dict[str, Any]) -> Result:
    """PAYMENT_COMPLETED -> confirm the reservation -> COMPLETED with its outbox row."""
    try:
        await rt.services.confirm(session["inventory_reservation_id"])
    except ReservationGone:  # expired before we confirmed: give the money back
        result = answer(session["id"], FAILED, RESERVATION_EXPIRED)
        return await fail(rt, session, RESERVATION_EXPIRED, result, payment_attempted=True)
    result = answer(session["id"], COMPLETED)
    payload = completed_payload(session)
    await rt.record(
        Transition(
            session["id"],
            session["user_id"],
            PAYMENT_COMPLETED,
            COMPLETED,
            fields={"result": result},
            domain_events=[(events.COMPLETED, payload)],
            outbox=[(events.COMPLETED, payload)],
        )
    )
    session.update(status=COMPLETED, result=result)
    return result


async def run(rt: Runtime, session: dict[str, Any]) -> Result:
    """Drive a freshly INITIATED session to COMPLETED or FAILED."""
    assert session["status"] == INITIATED
    rt.active.add(session["id"])
    try:
        result = await reserve(rt, session)
        if result is not None:
            return result
        await rt.pause.reached(INVENTORY_RESERVED, session["idempotency_key"])
        await advance(rt, session, PAYMENT_PENDING)
        result = await pay(rt, session)
        if result is not None:
            return result
        return await finish(rt, session)
    finally:
        rt.active.discard(session["id"])
