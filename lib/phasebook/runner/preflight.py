"""Before executing anything: which platform do the params point at, and does it answer?

:func:`resolve_base_url` prefers the library's params loader (``phasebook.params``) and falls
back to reading the two fields it needs from the YAML: ``platform.base_url``, or
``platform.state_dir`` whose ``platform.json`` names the ``gateway_url``. ``${VAR}`` and
``${VAR:-default}`` are interpolated from ``env``. :func:`check_health` GETs ``/health``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import httpx
import yaml

from phasebook.errors import ConfigError, PhasebookError, PlatformUnreachable
from phasebook.runner.paths import display_path, find_root

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def resolve_base_url(params_file: Path, env: Mapping[str, str], *, root: Path | None = None) -> str:
    """The platform's base URL named by ``params_file`` (ConfigError / PlatformUnreachable).

    Relative ``state_dir`` values resolve against ``root`` (default: the repo root above
    the params file).
    """
    params_file = Path(params_file)
    root = root or find_root(params_file.resolve().parent)
    if not params_file.is_file():
        shown = display_path(params_file, root)
        raise ConfigError(f"params file {shown} does not exist (see --params)")
    try:
        url = _from_library(params_file, env, root)
    except PlatformUnreachable as exc:
        raise PlatformUnreachable(f"platform unreachable: {exc}") from exc
    return (url or _from_yaml(params_file, env, root)).rstrip("/")


def _from_library(params_file: Path, env: Mapping[str, str], root: Path) -> str | None:
    """The library's own reading (phasebook.params + phasebook.discovery), if present."""
    try:
        from phasebook.discovery import resolve_target
        from phasebook.params import load_params
    except ImportError:
        return None
    try:
        target = resolve_target(load_params(params_file, environ=dict(env), cwd=root))
    except PhasebookError:
        raise
    except (TypeError, AttributeError):  # the library's interface moved: read it ourselves
        return None
    url = getattr(target, "base_url", None)
    return url if isinstance(url, str) and url else None


def read_params_yaml(params_file: Path, shown: str | None = None) -> object:
    """The parsed params file; ConfigError (one line) when missing or not valid YAML."""
    params_file, shown = Path(params_file), shown or str(params_file)
    try:
        return yaml.safe_load(Path(params_file).read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"params file {shown} does not exist (see --params)") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{shown}:{where} invalid YAML ({problem})") from exc


def _from_yaml(params_file: Path, env: Mapping[str, str], root: Path) -> str:
    shown = display_path(params_file, root)
    data = read_params_yaml(params_file, shown)
    platform = data.get("platform") if isinstance(data, dict) else None
    if not isinstance(platform, dict):
        raise ConfigError(f"{shown}: missing 'platform:' section (platform.base_url)")
    base_url = interpolate(str(platform.get("base_url") or ""), env, shown)
    if base_url:
        return base_url
    state_dir = interpolate(str(platform.get("state_dir") or ""), env, shown)
    if not state_dir:
        raise ConfigError(f"{shown}: set platform.base_url or platform.state_dir")
    path = Path(state_dir)
    return gateway_from_state_dir(path if path.is_absolute() else root / path, shown)


def interpolate(value: str, env: Mapping[str, str], params_file: str) -> str:
    """``value`` with ``${VAR}`` / ``${VAR:-default}`` replaced from ``env``."""

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if env.get(name):
            return env[name]
        if default is not None:
            return default
        raise ConfigError(f"{params_file}: ${{{name}}} is not set in the environment")

    return _VAR.sub(replace, value)


def gateway_from_state_dir(state_dir: Path, params_file: str) -> str:
    """``gateway_url`` from ``state_dir/platform.json`` (written by ``shopstack up``)."""
    platform_json = state_dir / "platform.json"
    try:
        return json.loads(platform_json.read_text(encoding="utf-8"))["gateway_url"]
    except FileNotFoundError as exc:
        raise PlatformUnreachable(
            f"platform unreachable: no {platform_json} (nothing started there) — start it "
            f"with 'make up' or run with --embedded, or fix platform.state_dir in {params_file}"
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{platform_json}: not a shopstack platform.json ({exc})") from exc


def check_health(base_url: str, params_file: str, *, timeout: float = 5.0) -> None:
    """GET ``{base_url}/health``; PlatformUnreachable with one actionable line otherwise."""
    url = f"{base_url}/health"
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        reason = _reason(exc, timeout)
    else:
        if response.status_code < 400:
            return
        reason = f"status {response.status_code}"
    raise PlatformUnreachable(
        f"platform unreachable at {url} ({reason}) — start it with 'make up' or run "
        f"with --embedded, or fix platform.base_url in {params_file}"
    )


def _reason(exc: httpx.HTTPError, timeout: float) -> str:
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "host name not resolved"
    return str(exc) or type(exc).__name__
