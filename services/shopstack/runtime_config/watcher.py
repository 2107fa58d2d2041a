"""A process's view of the runtime configuration, following the ``config`` database.

:meth:`RuntimeConfig.watch_forever` polls the latest version every ``interval_s`` (0.5 s: a
change is applied within 2 s without a restart) and calls the listeners after a change.
:meth:`RuntimeConfig.at` gives the settings of an older version, so work that started under
one version (a checkout in flight) finishes under it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from shopstack.runtime_config import store
from shopstack.runtime_config.store import Version

log = logging.getLogger("shopstack.config")

POLL_S = 0.5
Listener = Callable[[Version, Version], Any]  # may return an awaitable


class RuntimeConfig:
    def __init__(self, engine: Engine, defaults: dict[str, Any], *, service: str) -> None:
        self.engine = engine
        self.defaults = defaults
        self.service = service
        self.current = store.latest(engine, defaults)
        self._versions: dict[int, Version] = {self.current.version: self.current}
        self._listeners: list[Listener] = []

    @property
    def version(self) -> int:
        return self.current.version

    def get(self, key: str, *, version: int | None = None) -> Any:
        """A setting of the current version, or of ``version`` (unknown version: current)."""
        if version is None or version == self.current.version:
            return self.current.settings[key]
        return self.at(version).settings[key]

    def at(self, version: int) -> Version:
        if version not in self._versions:
            found = store.at(self.engine, version, self.defaults)
            if found is None:
                return self.current
            self._versions[version] = found
        return self._versions[version]

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def refresh(self) -> bool:
        """Read the latest version; True (and listeners called) when it changed."""
        latest = await run_in_threadpool(store.latest, self.engine, self.defaults)
        if latest.version == self.current.version:
            return False
        previous, self.current = self.current, latest
        self._versions[latest.version] = latest
        log.info(
            "%s: configuration version %d applied: %s", self.service, latest.version, latest.changes
        )
        for listener in self._listeners:
            try:
                result = listener(previous, latest)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("%s: a configuration listener failed", self.service)
        return True

    async def watch_forever(self, interval_s: float = POLL_S) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.refresh()
            except Exception:
                log.exception("%s: reading the configuration failed", self.service)
