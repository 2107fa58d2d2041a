"""TEST-ONLY pause point, so a test can kill the checkout process mid-saga.

``SHOPSTACK_TEST_PAUSE_AFTER=<STATUS>`` makes the saga sleep right after persisting that status
(``SHOPSTACK_TEST_PAUSE_SECONDS``, default 30), for checkouts whose idempotency key starts with
``SHOPSTACK_TEST_PAUSE_KEY_PREFIX`` (default: every checkout). A test then runs
``shopstack kill checkout`` and checks that recovery on restart leaves nothing half-done.
Never set these outside tests: the supervisor does not store ``SHOPSTACK_TEST_*`` variables, so
``shopstack start checkout`` brings the service back without the pause.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

log = logging.getLogger("shopstack.checkout.pause")


@dataclass(frozen=True)
class PausePoint:
    after_status: str | None = None
    seconds: float = 30.0
    key_prefix: str = ""

    @classmethod
    def from_env(cls) -> PausePoint:
        status = os.environ.get("SHOPSTACK_TEST_PAUSE_AFTER", "").strip().upper() or None
        point = cls(
            after_status=status,
            seconds=float(os.environ.get("SHOPSTACK_TEST_PAUSE_SECONDS", "30")),
            key_prefix=os.environ.get("SHOPSTACK_TEST_PAUSE_KEY_PREFIX", ""),
        )
        if status:
            log.warning(
                "TEST-ONLY pause point armed: %.1fs after %s (key prefix %r)",
                point.seconds,
                status,
                point.key_prefix,
            )
        return point

    async def reached(self, status: str, idempotency_key: str) -> None:
        if self.after_status == status and idempotency_key.startswith(self.key_prefix):
            log.warning("TEST-ONLY pause: sleeping %.1fs after %s", self.seconds, status)
            await asyncio.sleep(self.seconds)
