"""Acting on one service of a running platform: status, stop, start, pause, resume, kill, logs."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

from shopstack.supervisor import admin_token, processes, state
from shopstack.supervisor import ports as ports_mod
from shopstack.supervisor.errors import SupervisorError
from shopstack.topology import SERVICES


def _check_service(service: str) -> None:
    if service not in SERVICES:
        raise SupervisorError(
            f"unknown service {service!r} — expected one of: {', '.join(SERVICES)}"
        )


def _load_running(state_dir: Path) -> dict[str, Any]:
    current = state.load(state_dir)
    pids = [entry.get("pid") for entry in current["services"].values()]
    if all(processes.process_state(pid) == "stopped" for pid in pids):
        raise SupervisorError(
            f"the platform in {state_dir} is not running (every recorded process is gone) "
            "— run 'shopstack up'"
        )
    return current


def service_state(entry: dict[str, Any]) -> str:
    what = processes.process_state(entry.get("pid"))
    if what != "running":
        return what
    return "healthy" if processes.is_healthy(entry["url"], timeout_s=1.0) else "unhealthy"


def status(*, state_dir: Path) -> int:
    current = state.load(state_dir.resolve())
    print(f"{'service':<14} {'pid':>8} {'port':>6}  state")
    for name in SERVICES:
        entry = current["services"][name]
        pid = entry.get("pid") or "-"
        print(f"{name:<14} {pid!s:>8} {entry['port']:>6}  {service_state(entry)}")
    print(f"gateway: {current['gateway_url']}")
    return 0


def signal_service(*, state_dir: Path, service: str, action: str) -> int:
    """``stop`` (SIGTERM and wait), ``kill`` (SIGKILL), ``pause`` / ``resume`` (SIGSTOP/CONT)."""
    _check_service(service)
    state_dir = state_dir.resolve()
    with state.locked(state_dir):
        entry = _load_running(state_dir)["services"][service]
        pid = entry.get("pid")
        if processes.process_state(pid) == "stopped":
            raise SupervisorError(f"{service} is not running — 'shopstack start {service}'")
        if action == "stop":
            processes.terminate([pid])
        elif action == "kill":
            processes.kill(pid)
        elif action == "pause":
            processes.send(pid, signal.SIGSTOP)
        else:
            processes.send(pid, signal.SIGCONT)
    print(f"shopstack: {service} {_PAST[action]} (pid {pid})")
    return 0


_PAST = {"stop": "stopped", "kill": "killed", "pause": "paused", "resume": "resumed"}


def start(*, state_dir: Path, service: str) -> int:
    """Start a stopped service again, on the same port and with the same environment."""
    _check_service(service)
    state_dir = state_dir.resolve()
    with state.locked(state_dir):
        current = _load_running(state_dir)
        entry = current["services"][service]
        if processes.process_state(entry.get("pid")) != "stopped":
            raise SupervisorError(f"{service} is already running (pid {entry['pid']})")
        if ports_mod.port_in_use(entry["port"]):
            raise SupervisorError(
                f"port {entry['port']} ({service}) is already in use by another process"
            )
        env, missing = state.restart_env(current)
        admin_token.fill(state_dir, env)
        missing = [name for name in missing if not env.get(name)]
        for name in missing:
            print(
                f"shopstack: warning: {name} was set when the platform started but is not "
                f"set now; {service} starts without it",
                file=sys.stderr,
            )
        proc = processes.spawn(
            service,
            port=entry["port"],
            env=env,
            state_dir=state_dir,
            python=state.python_for(current),
        )
        try:
            processes.wait_healthy(state_dir, {service: proc}, {service: entry["url"]})
        except BaseException:
            processes.terminate([proc.pid], grace_s=2.0)
            raise
        entry["pid"] = proc.pid
        state.save(state_dir, current)
    print(f"shopstack: {service} started (pid {proc.pid}, port {entry['port']})")
    return 0


def heal(*, state_dir: Path) -> int:
    """Resume every paused service and start every stopped one: the platform as ``up`` left
    it, after a fault test that did not get to undo its own faults. Data is kept."""
    state_dir = state_dir.resolve()
    with state.locked(state_dir):
        current = _load_running(state_dir)
        states = {
            name: processes.process_state(current["services"][name].get("pid")) for name in SERVICES
        }
        for name, what in states.items():
            if what == "paused":
                processes.send(current["services"][name]["pid"], signal.SIGCONT)
                print(f"shopstack: {name} resumed (pid {current['services'][name]['pid']})")
    for name, what in states.items():
        if what == "stopped":
            start(state_dir=state_dir, service=name)
    if all(what == "running" for what in states.values()):
        print("shopstack: every service is running")
    return 0


def logs(*, state_dir: Path, service: str, lines: int) -> int:
    _check_service(service)
    path = processes.log_path(state_dir.resolve(), service)
    if not path.exists():
        raise SupervisorError(f"no log for {service} in {path.parent}")
    print(processes.log_tail(state_dir.resolve(), service, lines))
    return 0
