"""The checkout saga, orchestrated: reserve stock, charge, confirm, complete.

Every status is persisted (one unit of work per step) before the next remote call, so a crash
leaves a session that the recovery loop can finish or compensate. The saga ends with an
:class:`Outcome`, stored on the session so that a replay with the same idempotency key answers
exactly the same: COMPLETED; FAILED with a reason (declined card: a result for the client); or
FAILED with a problem (insufficient stock, a service down), which start.py raises as a domain
exception for the entrypoint to map.

Compensation on payment trouble: when payment is unreachable after retries we cannot know
whether a charge was captured (a timeout may hide a success). The session becomes FAILED
``payment_unavailable`` at once (the caller gets 503), the reservation is released, and the
``checkout.failed`` outbox event — delivered at least once — makes the payment service void the
checkout: refund a capture, or record a VOIDED row so that a charge still in flight is refused.
The charge is keyed by checkout id, so that void settles the question for good.
"""

from __future__ import annotations

import logging

from shopstack.checkout.domain.errors import (
    CheckoutError,
    InsufficientStock,
    PaymentDeclined,
    ReservationGone,
    SagaProblem,
)
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
)
from shopstack.checkout.domain.session import CheckoutSession, Outcome
from shopstack.checkout.service_layer.ports import CAPTURED, RESERVED
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.contracts import CheckoutCompleted, CheckoutFailed, PurchasedItem

log = logging.getLogger("shopstack.checkout.saga")


async def fail(
    rt: Runtime,
    session: CheckoutSession,
    reason: str,
    *,
    problem: SagaProblem | None = None,
    payment_attempted: bool = False,
    payment_id: str | None = None,
) -> Outcome:
    """Persist FAILED with its outcome; the outbox asks inventory/payment to compensate."""
    outcome = Outcome.failed(session.id, reason, problem)
    event = CheckoutFailed(
        checkout_id=session.id,
        user_id=session.user_id,
        tenant_id=session.tenant_id,
        failure_reason=reason,
        payment_attempted=payment_attempted,
    )
    step = session.step(
        FAILED, failure_reason=reason, outcome=outcome, payment_id=payment_id, published=(event,)
    )
    await rt.record(step)
    session.apply(step)
    log.info("checkout %s FAILED: %s", session.id, reason)
    return outcome


async def advance(rt: Runtime, session: CheckoutSession, status: str, **changes: str) -> None:
    step = session.step(status, **changes)
    await rt.record(step)
    session.apply(step)


async def release_quietly(rt: Runtime, session: CheckoutSession) -> None:
    """Release now if inventory answers; otherwise the checkout.failed event will."""
    try:
        await rt.services.release(session.id)
    except CheckoutError as exc:
        log.warning("checkout %s: release deferred to the outbox: %s", session.id, exc)


async def reserve(rt: Runtime, session: CheckoutSession) -> Outcome | None:
    """INITIATED -> INVENTORY_RESERVED; the final outcome when the saga cannot go on."""
    lines = [{"product_id": x.product_id, "quantity": x.quantity} for x in session.cart.lines]
    try:
        reservation = await rt.services.reserve(
            session.id, lines, config_version=session.config_version
        )
    except InsufficientStock as exc:
        return await fail(rt, session, INSUFFICIENT_STOCK, problem=exc)
    except SagaProblem as exc:  # unreachable after retries, or an unexpected answer
        await release_quietly(rt, session)
        return await fail(rt, session, INVENTORY_UNAVAILABLE, problem=exc)
    if reservation.status != RESERVED:  # compensated already (a tombstone)
        return await fail(rt, session, INTERRUPTED)
    await advance(
        rt, session, INVENTORY_RESERVED, inventory_reservation_id=reservation.reservation_id
    )
    return None


async def pay(rt: Runtime, session: CheckoutSession) -> Outcome | None:
    """PAYMENT_PENDING -> PAYMENT_COMPLETED; the final outcome when the charge did not pass."""
    try:
        charge = await rt.services.charge(
            session.id,
            amount=session.total_amount,
            currency=session.currency,
            card_token=session.card_token,
            config_version=session.config_version,
        )
    except PaymentDeclined as exc:
        await release_quietly(rt, session)
        return await fail(rt, session, PAYMENT_DECLINED, payment_id=exc.payment_id)
    except SagaProblem as exc:  # outcome unknown: see the module docstring
        await release_quietly(rt, session)
        return await fail(rt, session, PAYMENT_UNAVAILABLE, problem=exc, payment_attempted=True)
    await advance(rt, session, PAYMENT_COMPLETED, payment_id=charge.payment_id)
    return None


def completed_event(session: CheckoutSession) -> CheckoutCompleted:
    """The ``checkout.completed`` event of a paid session (shopstack.contracts)."""
    return CheckoutCompleted(
        checkout_id=session.id,
        user_id=session.user_id,
        tenant_id=session.tenant_id,
        cart_id=session.cart.cart_id,
        items=[
            PurchasedItem(
                product_id=line.product_id,
                product_name=line.product_name,
                quantity=line.quantity,
                price=line.price,
            )
            for line in session.cart.lines
        ],
        total_amount=session.total_amount,
        currency=session.currency,
        payment_id=session.payment_id,
    )


async def finish(rt: Runtime, session: CheckoutSession) -> Outcome:
    """PAYMENT_COMPLETED -> confirm the reservation -> COMPLETED with its outbox row."""
    try:
        await rt.services.confirm(session.inventory_reservation_id or "")
    except ReservationGone:  # expired before we confirmed: give the money back
        return await fail(rt, session, RESERVATION_EXPIRED, payment_attempted=True)
    outcome = Outcome.completed(session.id)
    step = session.step(COMPLETED, outcome=outcome, published=(completed_event(session),))
    await rt.record(step)
    session.apply(step)
    return outcome


async def settle_payment(rt: Runtime, session: CheckoutSession) -> Outcome:
    """Recovery of a PAYMENT_PENDING session: ask payment what happened and act on it."""
    charge = await rt.services.find_charge(session.id)
    if charge is None:
        charge = await rt.services.void(session.id)
    if charge.status == CAPTURED:
        await advance(rt, session, PAYMENT_COMPLETED, payment_id=charge.payment_id)
        return await finish(rt, session)
    await release_quietly(rt, session)
    reason = PAYMENT_DECLINED if charge.status == "DECLINED" else INTERRUPTED
    return await fail(rt, session, reason, payment_attempted=True)


async def run(rt: Runtime, session: CheckoutSession) -> Outcome:
    """Drive a freshly INITIATED session to COMPLETED or FAILED."""
    if session.status != INITIATED:
        raise ValueError(f"checkout {session.id} is {session.status}, not {INITIATED}")
    rt.active.add(session.id)
    try:
        outcome = await reserve(rt, session)
        if outcome is not None:
            return outcome
        await rt.pause.reached(INVENTORY_RESERVED, session.idempotency_key)
        await advance(rt, session, PAYMENT_PENDING)
        outcome = await pay(rt, session)
        if outcome is not None:
            return outcome
        return await finish(rt, session)
    finally:
        rt.active.discard(session.id)
