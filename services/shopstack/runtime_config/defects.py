"""TEST-ONLY defect: ``SHOPSTACK_TEST_RESTART_ON_CONFIG=<service>`` makes that service apply a
configuration change by restarting itself (``shopstack stop`` then ``start``: a new pid), as a
platform without hot reload would, so a test can prove the hot-reload notebook catches it on its
pid check. The supervisor never stores ``SHOPSTACK_TEST_*`` variables, so the restarted process
runs without the defect."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import sys

from shopstack.runtime_config.store import Version
from shopstack.runtime_config.watcher import RuntimeConfig
from shopstack.settings import Settings

log = logging.getLogger("shopstack.config")


def arm_restart_on_change(config: RuntimeConfig, settings: Settings, service: str) -> None:
    if os.environ.get("SHOPSTACK_TEST_RESTART_ON_CONFIG", "") != service:
        return
    log.warning("TEST-ONLY defect armed: %s restarts on every configuration change", service)

    def restart(_previous: Version, _latest: Version) -> None:
        cli = [sys.executable, "-m", "shopstack.cli"]
        where = ["--state-dir", str(settings.state_dir)]
        stop = shlex.join([*cli, "stop", service, *where])
        start = shlex.join([*cli, "start", service, *where])
        subprocess.Popen(  # noqa: S603 - our own CLI, detached: it outlives this process
            ["/bin/sh", "-c", f"{stop} && {start}"],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    config.on_change(restart)
