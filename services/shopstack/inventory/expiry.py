"""Background loop that returns the stock of reservations nobody confirmed in time."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from shopstack.inventory.reservations import expire_due

log = logging.getLogger("shopstack.inventory.expiry")


def poll_interval(ttl_s: float) -> float:
    """Check often enough that a reservation outlives its TTL by at most ~25%, at most 5 s."""
    return max(0.05, min(ttl_s / 4, 5.0))


async def expire_forever(engine: Engine, *, ttl_s: float) -> None:
    interval = poll_interval(ttl_s)
    while True:
        try:
            expired = await run_in_threadpool(expire_due, engine)
            if expired:
                log.info("expired %d reservation(s); their stock is available again", expired)
        except Exception:  # keep the loop alive through a transient database error
            log.exception("reservation expiry pass failed")
        await asyncio.sleep(interval)
