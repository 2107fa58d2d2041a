"""Following the runtime configuration while a service process runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from shopstack.runtime_config import store
from shopstack.runtime_config.defects import arm_restart_on_change
from shopstack.runtime_config.schema import defaults
from shopstack.runtime_config.watcher import RuntimeConfig
from shopstack.settings import Settings


@contextlib.asynccontextmanager
async def following_config(app: Any, settings: Settings, service: str) -> AsyncIterator[None]:
    """While the block runs: ``app.state.config`` follows the configuration database."""
    engine = store.open_config_database(settings)
    app.state.config = RuntimeConfig(engine, defaults(settings), service=service)
    arm_restart_on_change(app.state.config, settings, service)
    watcher = asyncio.create_task(app.state.config.watch_forever())
    try:
        yield
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        engine.dispose()
