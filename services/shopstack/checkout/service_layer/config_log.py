"""``config.changed`` events: every runtime configuration version, logged once in the event log.

The checkout process follows the configuration (:mod:`shopstack.runtime_config`); each time
it sees a new version it logs every version it has not logged yet, so a change made while
the checkout was down is logged when it comes back. The events belong to the platform, not
to a user: tenant ``default``, user ``0``, aggregate ``runtime-config``, and an event's
``sequence`` is its configuration version (a version logged twice is a sequence conflict,
so it is skipped).
"""

from __future__ import annotations

import logging
from typing import Any

from shopstack.checkout.domain.client_events import SequenceConflict
from shopstack.checkout.service_layer.unit_of_work import UnitOfWorkFactory
from shopstack.runtime_config.watcher import RuntimeConfig

log = logging.getLogger("shopstack.checkout.config")

CONFIG_CHANGED = "config.changed"
CONFIG_AGGREGATE = "runtime-config"
PLATFORM_TENANT = "default"
PLATFORM_USER = 0


def _payload(config: RuntimeConfig, version: int) -> dict[str, Any]:
    found = config.at(version)
    return {"version": version, "changes": found.changes, "settings": found.settings}


def log_versions(uow_factory: UnitOfWorkFactory, config: RuntimeConfig, up_to: int) -> int:
    """Log versions 1..``up_to`` not logged yet; how many were logged now."""
    logged = 0
    version = 1
    with uow_factory(write=True) as uow:
        while version <= up_to:
            try:
                uow.events.append_new(
                    user_id=PLATFORM_USER,
                    tenant_id=PLATFORM_TENANT,
                    aggregate_id=CONFIG_AGGREGATE,
                    event_type=CONFIG_CHANGED,
                    payload=_payload(config, version),
                    expected_sequence=version,
                )
            except SequenceConflict as exc:  # logged already, up to exc.current
                version = max(version, exc.current) + 1
                continue
            logged += 1
            version += 1
        uow.commit()
    if logged:
        log.info("logged %d config.changed event(s), up to version %d", logged, up_to)
    return logged
