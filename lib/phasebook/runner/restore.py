"""After a fault notebook fails halfway: the embedded platform put back as the run found it.

An exclusive notebook stops services, pauses them or changes the runtime configuration, and
undoes it in its last cells. When it fails before them (a check that raises, a timeout), the
fault stays: the next notebooks would fail for a reason that is not theirs. With
``--embedded`` the runner owns the platform, so after an exclusive notebook that did not pass
it resumes paused and starts stopped services (``shopstack heal``) and sets the runtime
settings back to those of the run's start. Data is kept. A platform the runner did not start
is never touched: it may be shared.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import httpx

from phasebook.runner.embedded import SHOPSTACK_MODULE, EmbeddedPlatform

CONFIG_PATH = "/api/v1/admin/config"
HEAL_TIMEOUT_S = 120.0


class PlatformRestorer:
    """Remembers the runtime settings at the start; :meth:`restore` goes back to them."""

    def __init__(self, platform: EmbeddedPlatform, env: Mapping[str, str]):
        self._platform = platform
        self._env = {**env, "SHOPSTACK_ADMIN_TOKEN": platform.admin_token}
        self._settings = self._read_settings()

    def restore(self) -> list[str]:
        """Heal the services and reset the settings; what was done, one phrase each."""
        done = self._heal()
        current = self._read_settings()
        if self._settings is not None and current not in (None, self._settings):
            changed = sorted(k for k in self._settings if current.get(k) != self._settings[k])
            try:
                answer = self._request("PATCH", json={"settings": self._settings})
            except httpx.HTTPError as exc:
                answer = None
                done.append(f"settings not restored: {type(exc).__name__}")
            if answer is not None and answer.status_code == 200:
                done.append(f"settings back to the run's start ({', '.join(changed)})")
            elif answer is not None:
                done.append(f"settings not restored: PATCH answered {answer.status_code}")
        return done

    def _heal(self) -> list[str]:
        command = [sys.executable, "-m", SHOPSTACK_MODULE, "heal"]
        command += ["--state-dir", str(self._platform.state_dir)]
        try:
            proc = subprocess.run(
                command,
                env=self._env,
                capture_output=True,
                text=True,
                timeout=HEAL_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [f"shopstack heal did not finish within {HEAL_TIMEOUT_S:g} s"]
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            return [f"shopstack heal failed: {lines[-1] if lines else proc.returncode}"]
        return [
            line.removeprefix("shopstack: ")
            for line in proc.stdout.splitlines()
            if line.endswith(")") and (" resumed (" in line or " started (" in line)
        ]

    def _read_settings(self) -> dict[str, Any] | None:
        try:
            answer = self._request("GET")
        except httpx.HTTPError:
            return None
        if answer.status_code != 200:
            return None
        settings = answer.json().get("settings")
        return settings if isinstance(settings, dict) else None

    def _request(self, method: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._platform.admin_token}"}
        url = self._platform.gateway_url + CONFIG_PATH
        return httpx.request(method, url, headers=headers, timeout=10.0, **kwargs)
