"""Recovery: finish or compensate sessions that a saga left in an intermediate state.

Runs once at startup (a new process has no saga in flight, so every intermediate session was
orphaned by a crash) and then periodically for sessions untouched for a while.

- INITIATED / INVENTORY_RESERVED: nothing was charged. Compensate: release the reservation
  (or leave a tombstone so a late reserve cannot take stock) and fail ``interrupted``. We do not
  charge a customer whose request is no longer waiting for the answer.
- PAYMENT_PENDING: ask payment what happened (the charge is keyed by checkout id). Captured ->
  resume to COMPLETED; declined -> compensate; no charge -> void it (so none can happen) and
  compensate.
- PAYMENT_COMPLETED: the money is taken; resume: confirm the reservation and complete.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from shopstack.checkout.domain.errors import CheckoutError
from shopstack.checkout.domain.model import (
    INTERRUPTED,
    PAYMENT_COMPLETED,
    PAYMENT_PENDING,
    InvalidTransition,
)
from shopstack.checkout.domain.session import CheckoutSession, Outcome
from shopstack.checkout.service_layer import saga
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.wire import utcnow

log = logging.getLogger("shopstack.checkout.recovery")


async def recover_session(rt: Runtime, session: CheckoutSession) -> Outcome:
    log.warning("recovering checkout %s left in %s", session.id, session.status)
    if session.status == PAYMENT_PENDING:
        return await saga.settle_payment(rt, session)
    if session.status == PAYMENT_COMPLETED:
        return await saga.finish(rt, session)
    await saga.release_quietly(rt, session)
    return await saga.fail(rt, session, INTERRUPTED)


async def recover_once(rt: Runtime, *, stale_s: float) -> int:
    """One pass; how many sessions it brought to a final state."""
    cutoff = utcnow() - timedelta(seconds=stale_s)
    done = 0
    for session in await rt.read(lambda uow: uow.sessions.list_intermediate(updated_before=cutoff)):
        if session.id in rt.active:
            continue
        rt.active.add(session.id)
        try:
            await recover_session(rt, session)
            done += 1
        except CheckoutError as exc:
            log.warning("checkout %s not recoverable yet: %s", session.id, exc)
        except InvalidTransition:
            pass  # someone else moved it on
        finally:
            rt.active.discard(session.id)
    return done


async def recover_forever(rt: Runtime, *, interval_s: float = 2.0, stale_s: float = 10.0) -> None:
    first = True
    while True:
        try:
            count = await recover_once(rt, stale_s=0.0 if first else stale_s)
            if count:
                log.warning("recovered %d checkout session(s)", count)
            first = False
        except Exception:
            log.exception("recovery pass failed")
        await asyncio.sleep(interval_s)
