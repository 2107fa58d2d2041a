"""platform.json discovery: fill in what a params file leaves to the running platform.

A local shopstack records its ports, pids and database URLs in ``STATE_DIR/platform.json``
(format in docs/architecture.md). :func:`resolve_target` combines that with the params into
a :class:`Target`: the gateway URL, the named databases and the mailbox URL to use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError, PlatformUnreachable
from .params import Params

PLATFORM_FILE = "platform.json"
ADMIN_TOKEN_FILE = "admin_token"


@dataclass(frozen=True)
class ServiceInfo:
    """One service of a running shopstack."""

    name: str
    url: str | None = None
    port: int | None = None
    pid: int | None = None
    database_url: str | None = None


@dataclass(frozen=True)
class PlatformState:
    """The content of platform.json."""

    path: Path
    profile: str
    gateway_url: str
    mail_http_url: str | None
    services: dict[str, ServiceInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """Where the notebooks' clients point."""

    base_url: str
    databases: dict[str, str]
    mailbox_url: str | None
    state_dir: Path | None
    profile: str | None
    admin_token: str | None = field(default=None, repr=False)


def read_platform_state(state_dir: Path) -> PlatformState:
    """Parse ``state_dir/platform.json`` (raises PlatformUnreachable when it is missing)."""
    path = Path(state_dir) / PLATFORM_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlatformUnreachable(
            f"no {PLATFORM_FILE} in {state_dir} — is the platform up? "
            f"run `make up` (or `shopstack up --state-dir {state_dir}`), "
            "or set platform.base_url in the params file"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: unreadable ({exc}) — restart the platform") from exc
    try:
        services = {
            name: ServiceInfo(
                name=name,
                url=info.get("url"),
                port=info.get("port"),
                pid=info.get("pid"),
                database_url=info.get("database_url"),
            )
            for name, info in (data.get("services") or {}).items()
        }
        return PlatformState(
            path=path,
            profile=str(data.get("profile") or "sqlite"),
            gateway_url=str(data["gateway_url"]).rstrip("/"),
            mail_http_url=(data.get("mail") or {}).get("http_url"),
            services=services,
        )
    except (KeyError, AttributeError, TypeError) as exc:
        raise ConfigError(f"{path}: unexpected format ({exc!r}) — restart the platform") from exc


def resolve_target(params: Params) -> Target:
    """The clients' target: explicit params first, then platform.json of the state dir."""
    state = _state_if_any(params)
    if params.profile != "any" and state is not None and state.profile != params.profile:
        raise ConfigError(
            f"{params.source}: platform.profile: expects a {params.profile} platform but "
            f"{state.path} describes a {state.profile} one — start shopstack with the "
            f"{params.profile} profile or choose another params file"
        )
    base_url = params.base_url or (state.gateway_url if state else None)
    if base_url is None:  # unreachable: params validation requires base_url or state_dir
        raise ConfigError(f"{params.source}: platform.base_url: not set")
    databases = dict(params.databases)
    if not databases and state is not None:
        databases = {
            name: info.database_url for name, info in state.services.items() if info.database_url
        }
    mailbox = params.mailbox_url or (state.mail_http_url if state else None)
    admin_token = params.admin_token or (_admin_token_file(state.path.parent) if state else None)
    return Target(
        base_url=base_url,
        databases=databases,
        mailbox_url=mailbox.rstrip("/") if mailbox else None,
        state_dir=state.path.parent if state else None,
        profile=state.profile if state else (None if params.profile == "any" else params.profile),
        admin_token=admin_token,
    )


def _admin_token_file(state_dir: Path) -> str | None:
    """The admin token ``shopstack up`` wrote to ``STATE_DIR/admin_token`` (mode 0600)."""
    try:
        return (Path(state_dir) / ADMIN_TOKEN_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _state_if_any(params: Params) -> PlatformState | None:
    if params.state_dir is None:
        return None
    if params.base_url and not (params.state_dir / PLATFORM_FILE).is_file():
        return None
    return read_platform_state(params.state_dir)
