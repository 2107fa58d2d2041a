"""Client events into the event log: one event or a batch, in one transaction, all or nothing.

A batch takes the append locks of all its aggregates first (sorted), then appends in order; a
sequence conflict anywhere raises before the commit, so the unit of work rolls everything back
and nothing of the batch is stored. Committed events are streamed like the saga's.
"""

from __future__ import annotations

from typing import Any

from shopstack.checkout.adapters.eventlog import DEFAULT_TENANT
from shopstack.checkout.domain.client_events import NewEvent
from shopstack.checkout.service_layer.runtime import Runtime
from shopstack.checkout.service_layer.unit_of_work import Recorded


def append_events(uow, *, user_id: int, tenant_id: str, batch: list[NewEvent]) -> Recorded:  # noqa: ANN001 - a SqlUnitOfWork
    """Store the whole batch or nothing; SequenceConflict when an expectation fails."""
    with uow:
        uow.events.lock_aggregates((tenant_id, user_id, e.aggregate_id) for e in batch)
        logged = [
            uow.events.append_new(
                user_id=user_id,
                tenant_id=tenant_id,
                aggregate_id=event.aggregate_id,
                event_type=event.type,
                payload=event.payload,
                expected_sequence=event.expected_sequence,
            )
            for event in batch
        ]
        uow.commit()
    return Recorded(logged, outbox_written=False)


async def publish(
    runtime: Runtime, *, user_id: int, batch: list[NewEvent], tenant_id: str = DEFAULT_TENANT
) -> list[dict[str, Any]]:
    """Append in a writing unit of work, then stream the committed events; their wire shape."""
    recorded = await runtime.offload(
        lambda: append_events(
            runtime.uow(write=True), user_id=user_id, tenant_id=tenant_id, batch=batch
        )
    )
    runtime.published(recorded)
    return recorded.events
