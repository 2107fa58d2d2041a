"""Client events into the event log: one event or a batch, in one transaction, all or nothing.

A batch takes the append locks of all its aggregates first (sorted), then appends in order; a
sequence conflict anywhere raises before anything is written, and the unit of work rolls back,
so nothing of the batch is stored. Committed events are streamed like the saga's.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from shopstack.checkout.adapters.eventlog import DEFAULT_TENANT
from shopstack.checkout.domain.client_events import NewEvent
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.checkout.service_layer.unit_of_work import Recorded, UnitOfWorkFactory

log = logging.getLogger("shopstack.checkout.events")


def append_events(uow, *, user_id: int, tenant_id: str, batch: list[NewEvent]) -> Recorded:  # noqa: ANN001 - a SqlUnitOfWork
    """Store the whole batch or nothing; SequenceConflict when an expectation fails."""
    with uow:
        logged = uow.events.append_all(user_id=user_id, tenant_id=tenant_id, batch=batch)
        uow.commit()
    return Recorded(logged, outbox_written=False)


def batches_not_atomic() -> bool:
    """TEST-ONLY defect: ``SHOPSTACK_TEST_NONATOMIC_BATCH=1`` commits each event of a batch on
    its own, so events before a conflict stay stored; a test proves the transactions notebook
    catches such a platform. The supervisor never stores ``SHOPSTACK_TEST_*`` variables."""
    broken = os.environ.get("SHOPSTACK_TEST_NONATOMIC_BATCH", "") == "1"
    if broken:
        log.warning("TEST-ONLY defect armed: event batches are not atomic")
    return broken


def _append_one_by_one(
    factory: UnitOfWorkFactory, *, user_id: int, tenant_id: str, batch: list[NewEvent]
) -> Recorded:
    logged: list[dict[str, Any]] = []
    for event in batch:
        unit = factory(write=True)
        logged += append_events(unit, user_id=user_id, tenant_id=tenant_id, batch=[event]).events
    return Recorded(logged, outbox_written=False)


async def publish(
    runtime: Runtime, *, user_id: int, batch: list[NewEvent], tenant_id: str = DEFAULT_TENANT
) -> list[dict[str, Any]]:
    """Append in a writing unit of work, then stream the committed events; their wire shape."""
    if batches_not_atomic():
        recorded = await runtime.offload(
            lambda: _append_one_by_one(
                runtime.uow, user_id=user_id, tenant_id=tenant_id, batch=batch
            )
        )
    else:
        recorded = await runtime.offload(
            lambda: append_events(
                runtime.uow(write=True), user_id=user_id, tenant_id=tenant_id, batch=batch
            )
        )
    runtime.published(recorded)
    return recorded.events
