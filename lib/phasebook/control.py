"""Platform control: stop, start, pause and resume services of a local shopstack.

Runs the shopstack CLI (``python -m shopstack.cli ACTION SERVICE --state-dir DIR``) as a
subprocess, so faults are real process faults. Against a remote platform (no state dir)
every action raises :class:`ControlUnavailable`; check ``platform.available`` first.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .discovery import read_platform_state
from .errors import ControlError, ControlUnavailable

Runner = Callable[..., subprocess.CompletedProcess]
COMMAND_TIMEOUT_S = 60.0


class PlatformControl:
    """``s.platform``."""

    def __init__(
        self,
        state_dir: Path | None,
        *,
        runner: Runner = subprocess.run,
        python: str = sys.executable,
    ):
        self.state_dir = Path(state_dir) if state_dir else None
        self._runner = runner
        self._python = python

    @property
    def available(self) -> bool:
        """True when a local platform (state dir with platform.json) can be controlled."""
        return self.state_dir is not None and (self.state_dir / "platform.json").is_file()

    def stop(self, service: str) -> str:
        """Stop ``service``'s process (it stays stopped until :meth:`start`)."""
        return self._run("stop", service)

    def kill(self, service: str) -> str:
        """Kill ``service``'s process abruptly (SIGKILL), e.g. to crash a saga mid-way."""
        return self._run("kill", service)

    def start(self, service: str) -> str:
        """Start a stopped service again and wait for its health."""
        return self._run("start", service)

    def pause(self, service: str) -> str:
        """Freeze ``service`` (SIGSTOP): connections hang instead of failing."""
        return self._run("pause", service)

    def resume(self, service: str) -> str:
        """Continue a paused service (SIGCONT)."""
        return self._run("resume", service)

    def status(self) -> str:
        """The CLI's status table, as text."""
        return self._run("status")

    def states(self) -> dict[str, str]:
        """``{service: state}`` as ``shopstack status`` prints them (``healthy``,
        ``unhealthy``, ``running``, ``paused``, ``stopped``), so a notebook checks
        ``states()["notifications"] == "stopped"`` instead of parsing the table."""
        return parse_status(self.status())

    def logs(
        self, service: str, *, tail: int = 50, since: dt.datetime | None = None, grep: str = ""
    ) -> str:
        """The last ``tail`` lines of ``service``'s log; with ``since``, only lines stamped at or
        after it (shopstack stamps lines with local time); with ``grep``, only lines holding it."""
        text = self._run("logs", service, "-n", str(int(tail)))
        lines = text.splitlines()
        if since is not None:
            lines = [line for line in lines if _stamped_since(line, since)]
        if grep:
            lines = [line for line in lines if grep in line]
        return "\n".join(lines)

    def pids(self) -> dict[str, int]:
        """``{service: pid}`` from platform.json (re-read: stop/start change pids)."""
        self._require()
        state = read_platform_state(self.state_dir)  # type: ignore[arg-type]
        return {name: info.pid for name, info in state.services.items() if info.pid}

    def _require(self) -> None:
        if not self.available:
            where = f"no platform.json in {self.state_dir}" if self.state_dir else "no state_dir"
            raise ControlUnavailable(
                f"platform control unavailable: {where} — it needs a local shopstack "
                "(params platform.state_dir, `make up`); on a remote platform skip this test "
                "with s.checks.skip('platform control unavailable') when not s.platform.available"
            )

    def _run(self, *args: str) -> str:
        self._require()
        command: Sequence[str] = [
            self._python,
            "-m",
            "shopstack.cli",
            *args,
            "--state-dir",
            str(self.state_dir),
        ]
        shown = " ".join(["shopstack", *args])
        try:
            done = self._runner(
                command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ControlError(f"`{shown}` could not run: {exc}") from exc
        if done.returncode != 0:
            detail = (done.stderr or done.stdout or "").strip().splitlines()
            raise ControlError(
                f"`{shown}` failed (exit {done.returncode}): "
                f"{detail[-1] if detail else 'no output'} — see `shopstack status`"
            )
        return (done.stdout or "").strip()

    def __repr__(self) -> str:
        state = self.state_dir if self.available else "unavailable"
        return f"<PlatformControl {state}>"


def parse_status(text: str) -> dict[str, str]:
    """The ``service pid port state`` rows of ``shopstack status`` (the header and the
    ``gateway: URL`` line are not services)."""
    lines = text.splitlines()
    if not lines or lines[0].split() != ["service", "pid", "port", "state"]:
        raise ControlError(
            f"`shopstack status` printed no status table ({(lines or ['nothing'])[0]!r}) — "
            "is the shopstack CLI the same version as phasebook?"
        )
    rows = [line.split() for line in lines[1:] if line.strip()]
    return {row[0]: row[-1] for row in rows if len(row) == 4}


def _stamped_since(line: str, since: dt.datetime) -> bool:
    """True when the line starts with a ``YYYY-MM-DD HH:MM:SS,mmm`` stamp at or after ``since``."""
    try:
        stamp = dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    except ValueError:
        return False
    return stamp >= since.replace(tzinfo=None)
