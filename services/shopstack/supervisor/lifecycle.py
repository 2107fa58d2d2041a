"""``shopstack up`` and ``shopstack down``: the whole platform at once."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from shopstack import db
from shopstack.runtime_config.store import open_config_database
from shopstack.settings import Settings, SettingsError
from shopstack.supervisor import admin_token, processes, state
from shopstack.supervisor import ports as ports_mod
from shopstack.supervisor.errors import SupervisorError
from shopstack.topology import SERVICES, STATEFUL, url_env_var

HOST = ports_mod.HOST


def _settings(state_dir: Path) -> Settings:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise SupervisorError(str(exc)) from exc
    return dataclasses.replace(settings, state_dir=state_dir)


def _launch_env(state_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    env = dict(os.environ)
    env["SHOPSTACK_STATE_DIR"] = str(state_dir)
    env["SHOPSTACK_SMTP_PORT"] = str(ports[ports_mod.SMTP])
    for name in SERVICES:
        env[url_env_var(name)] = f"http://{HOST}:{ports[name]}"
    return env


def _refuse_if_running(state_dir: Path) -> None:
    if not state.state_path(state_dir).exists():
        return
    try:
        previous = state.load(state_dir)
    except SupervisorError:
        return
    for name, entry in previous.get("services", {}).items():
        if processes.process_state(entry.get("pid")) != "stopped":
            raise SupervisorError(
                f"a platform is already running from {state_dir} ({name} pid {entry['pid']}) "
                "— run 'shopstack down' first"
            )


def _wipe(settings: Settings) -> None:
    """``--fresh``: forget every service's data and logs."""
    if settings.database_url is None:
        for pattern in ("*.db", "*.db-wal", "*.db-shm", "*.db-journal"):
            for path in settings.state_dir.glob(pattern):
                path.unlink()
    else:
        try:
            db.drop_schemas(settings, (*STATEFUL, "config"))  # config: runtime settings
        except Exception as exc:  # noqa: BLE001 - any driver error becomes one clear line
            raise SupervisorError(f"cannot reset the PostgreSQL schemas: {exc}") from exc
    shutil.rmtree(settings.state_dir / "logs", ignore_errors=True)


def _create_config_database(settings: Settings) -> None:
    """Create the runtime configuration's tables once, before the services that all read them
    start together (nine processes racing to create one SQLite table lock each other out)."""
    try:
        open_config_database(settings).dispose()
    except Exception as exc:  # noqa: BLE001 - any driver error becomes one clear line
        raise SupervisorError(f"cannot create the configuration database: {exc}") from exc


def _describe(
    settings: Settings, ports: dict[str, int], pids: dict[str, int], env: dict[str, str]
) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for name in SERVICES:
        entry = {"url": f"http://{HOST}:{ports[name]}", "port": ports[name], "pid": pids[name]}
        if name == "mailsink":
            entry["smtp_port"] = ports[ports_mod.SMTP]
        entry["database_url"] = (
            db.service_database_url(settings, name) if name in STATEFUL else None
        )
        services[name] = entry
    stored, secrets = state.split_env(env)
    return {
        "version": state.VERSION,
        "state_dir": str(settings.state_dir),
        "profile": "sqlite" if settings.database_url is None else "postgres",
        "gateway_url": services["gateway"]["url"],
        "mail": {
            "http_url": services["mailsink"]["url"],
            "smtp_host": HOST,
            "smtp_port": ports[ports_mod.SMTP],
        },
        "services": services,
        "python": sys.executable,
        "env": stored,
        "secrets": secrets,
    }


def up(*, state_dir: Path, auto_ports: bool, fresh: bool, detach: bool) -> int:
    state_dir = state_dir.resolve()
    settings = _settings(state_dir)
    with state.locked(state_dir):
        _refuse_if_running(state_dir)
        ports = ports_mod.free_ports() if auto_ports else ports_mod.default_ports()
        ports_mod.check_available(ports)
        if fresh:
            _wipe(settings)
        _create_config_database(settings)
        env = _launch_env(state_dir, ports)
        admin_token.ensure(state_dir, env)
        procs = _start_all(state_dir, ports, env)
        pids = {name: proc.pid for name, proc in procs.items()}
        description = _describe(settings, ports, pids, env)
        state.save(state_dir, description)
    print(f"shopstack: platform up ({description['profile']}), state in {state_dir}")
    print(f"shopstack: gateway {description['gateway_url']}")
    if detach:
        return 0
    return _foreground(state_dir, procs)


def _start_all(
    state_dir: Path, ports: dict[str, int], env: dict[str, str]
) -> dict[str, subprocess.Popen]:
    procs: dict[str, subprocess.Popen] = {}
    urls = {name: f"http://{HOST}:{ports[name]}" for name in SERVICES}
    try:
        for name in SERVICES:
            procs[name] = processes.spawn(
                name, port=ports[name], env=env, state_dir=state_dir, python=sys.executable
            )
        processes.wait_healthy(state_dir, procs, urls)
    except BaseException:
        processes.terminate([proc.pid for proc in procs.values()], grace_s=3.0)
        raise
    return procs


def _foreground(state_dir: Path, procs: dict[str, subprocess.Popen]) -> int:
    stop = {"signal": 0}

    def _on_signal(signum: int, _frame: object) -> None:
        stop["signal"] = signum

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    print("shopstack: running in the foreground — Ctrl-C stops every service")
    while not stop["signal"]:
        for proc in procs.values():
            proc.poll()  # reap a service that exited, so status shows it stopped
        time.sleep(0.2)
    print("shopstack: stopping")
    down(state_dir=state_dir)
    return 0


def down(*, state_dir: Path) -> int:
    state_dir = state_dir.resolve()
    with state.locked(state_dir):
        current = state.load(state_dir)
        pids = [entry["pid"] for entry in current["services"].values() if entry.get("pid")]
        running = [pid for pid in pids if processes.process_state(pid) != "stopped"]
        processes.terminate(running)
        state.remove(state_dir)
        admin_token.remove(state_dir)
    if not running:
        raise SupervisorError(
            f"no platform was running in {state_dir} (stale {state.STATE_FILE} removed)"
        )
    print(f"shopstack: stopped {len(running)} services")
    return 0
