"""Params files: YAML that says which platform to test and how to reach it.

``load_params()`` reads the file named by ``PHASEBOOK_PARAMS`` (default
``params/local.yaml`` under the repository root), interpolates ``${VAR}`` references,
validates every field (unknown field → closest valid name; wrong type → expected type) and
returns a frozen :class:`Params`. Every unset variable is reported in one message. Secret
values are collected in ``Params.secrets`` so the session can redact them. ``users:`` (the
personas) and ``vars:`` (anything a suite needs) are free-form. No network, no platform.json
here: see ``discovery.py``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from .auth.config import AuthConfig, build_auth_config
from .errors import ConfigError
from .interpolate import interpolate, missing_variables_error
from .redact import is_secret_name

DEFAULT_PARAMS = "params/local.yaml"
PROFILES = ("any", "sqlite", "postgres")
NO_HEALTH = "none"
_STR, _SECONDS, _NAMED_URLS = "a string", "a number of seconds", "a mapping of name to URL"
_TEXT = "a string (may be empty)"
_FREE = "free-form"

SCHEMA: dict = {
    "description": _STR,
    "platform": {
        "base_url": _STR,
        "state_dir": _STR,
        "profile": _STR,
        "health": _STR,
        "whoami": _FREE,
        "api_prefix": _STR,
        "openapi": _STR,
    },
    "auth": {
        "mode": _STR,
        "jwt_secret": _STR,
        "header": _STR,
        "scheme": _TEXT,
        "value": _STR,
        "token": _STR,
        "default_user": _STR,
        "headers": _FREE,
        "jwt": {
            "secret": _STR,
            "private_key": _STR,
            "algorithm": _STR,
            "claim": _STR,
            "field": _STR,
            "claims": _FREE,
            "lifetime_s": _SECONDS,
        },
        "login": {"method": _STR, "path": _STR, "json": _FREE, "form": _FREE, "token": _STR},
        "cookie": {"name": _STR},
        "oauth2": {
            "token_url": _STR,
            "grant": _STR,
            "client_id": _STR,
            "client_secret": _STR,
            "scope": _STR,
            "username": _STR,
            "password": _STR,
        },
    },
    "users": _FREE,
    "vars": _FREE,
    "admin_token": _STR,
    "databases": _NAMED_URLS,
    "mailbox": {"url": _STR},
    "timeouts": {"request_s": _SECONDS, "eventually_s": _SECONDS},
}


@dataclass(frozen=True)
class Params:
    """A validated params file. ``None`` means "not given" (discovered or unavailable)."""

    source: str
    root: Path
    base_url: str | None = None
    state_dir: Path | None = None
    profile: str = "any"
    auth: AuthConfig = field(default_factory=AuthConfig)
    admin_token: str | None = field(default=None, repr=False)
    databases: dict[str, str] = field(default_factory=dict, repr=False)
    mailbox_url: str | None = None
    request_timeout_s: float = 10.0
    eventually_timeout_s: float = 10.0
    health: str | None = "/health"
    whoami: Whoami | None = None
    api_prefix: str = ""
    openapi: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    vars: dict[str, Any] = field(default_factory=dict, repr=False)
    secrets: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def auth_mode(self) -> str:
        """``auth.mode`` as configured (``mock``, ``jwt``, ``login``, …)."""
        return self.auth.mode

    @property
    def jwt_secret(self) -> str | None:
        return self.auth.jwt.secret if self.auth.jwt else None

    @property
    def is_shopstack(self) -> bool:
        """True when the params point at a local shopstack (a state dir, mock or jwt auth)."""
        return self.state_dir is not None


@dataclass(frozen=True)
class Whoami:
    """``platform.whoami``: a cheap authenticated route, and what its answer must contain.

    ``expect`` maps JSON paths of the answer to persona templates (``{user_id}``)."""

    path: str
    expect: dict[str, Any] = field(default_factory=dict)


def find_repo_root(start: Path | None = None) -> Path:
    """The closest directory at or above ``start`` (default: cwd) holding a pyproject.toml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def params_path(environ: Mapping[str, str], root: Path, path: str | os.PathLike | None) -> Path:
    """The params file to load: explicit ``path``, else ``PHASEBOOK_PARAMS``, else the default."""
    chosen = Path(path or environ.get("PHASEBOOK_PARAMS") or DEFAULT_PARAMS).expanduser()
    return chosen if chosen.is_absolute() else root / chosen


def load_params(
    path: str | os.PathLike | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Params:
    """Load and validate a params file (see docs/params.md)."""
    environ = os.environ if environ is None else environ
    root = find_repo_root(cwd)
    file = params_path(environ, root, path)
    owner = find_repo_root(file.parent) if file.is_file() else root
    if (owner / "pyproject.toml").is_file():  # the repository the params file lives in
        root = owner  # (a lab working copy runs outside it)
    source = display_name(file, root)
    raw = _read_yaml(file, source)
    reader = _Reader(source, environ)
    flat = reader.section(raw, SCHEMA, "")
    if reader.missing:
        raise missing_variables_error(source, reader.missing)
    return _build(flat, reader, source=source, root=root)


def display_name(file: Path, root: Path) -> str:
    """``file`` relative to ``root`` when inside it (for messages), else as given."""
    try:
        return str(file.resolve().relative_to(root))
    except ValueError:
        return str(file)


def _read_yaml(file: Path, source: str) -> dict:
    if not file.is_file():
        siblings = (
            sorted(p.name for p in file.parent.glob("*.yaml")) if file.parent.is_dir() else []
        )
        hint = (
            f"available in {file.parent}: {', '.join(siblings)}" if siblings else "check the path"
        )
        raise ConfigError(
            f"params file {source} does not exist — pass an existing file (--params, "
            f"PHASEBOOK_PARAMS; {hint})"
        )
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{where}: invalid YAML ({problem})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of fields at the top level")
    return data


class _Reader:
    """Walks the YAML against SCHEMA, interpolating and type-checking every leaf."""

    def __init__(self, source: str, environ: Mapping[str, str]):
        self.source = source
        self.environ = environ
        self.secrets: set[str] = set()
        self.missing: list[tuple[str, str]] = []

    def fail(self, dotted: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {dotted}: {message}")

    def section(self, node: object, spec: dict, prefix: str) -> dict[str, object]:
        if node is None:
            return {}
        if not isinstance(node, dict):
            raise self.fail(prefix.rstrip("."), "expected a mapping of fields")
        flat: dict[str, object] = {}
        for key, value in node.items():
            dotted = f"{prefix}{key}"
            if key not in spec:
                raise self.fail(dotted, f"unknown field{self._suggest(str(key), spec)}")
            kind = spec[key]
            if isinstance(kind, dict):
                flat.update(self.section(value, kind, f"{dotted}."))
            else:
                flat[dotted] = self.leaf(value, kind, dotted)
        return flat

    @staticmethod
    def _suggest(key: str, spec: dict) -> str:
        close = difflib.get_close_matches(key, list(spec), n=1, cutoff=0.5)
        valid = ", ".join(spec)
        return f" — did you mean '{close[0]}'? (valid: {valid})" if close else f" (valid: {valid})"

    def leaf(self, value: object, kind: str, dotted: str) -> object:
        if value is None:
            return None
        if kind == _FREE:
            return self.free(value, dotted)
        if kind == _TEXT and isinstance(value, str):
            return self._text(value, dotted)
        if kind == _NAMED_URLS:
            if not isinstance(value, dict):
                raise self.fail(dotted, f"expected {kind}, got {type(value).__name__}")
            urls = {str(k): self.leaf(v, _STR, f"{dotted}.{k}") for k, v in value.items()}
            return {k: v for k, v in urls.items() if v}
        if kind == _SECONDS:
            return self._seconds(value, dotted)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(dotted, f"expected {kind}, got {type(value).__name__}")
        return self._text(str(value), dotted) or None

    def free(self, value: object, dotted: str) -> object:
        """A free-form value: structure kept, every string interpolated."""
        if isinstance(value, dict):
            return {str(k): self.free(v, f"{dotted}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [self.free(v, f"{dotted}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, str):
            return self._text(value, dotted)
        return value

    def _seconds(self, value: object, dotted: str) -> float:
        text = self._text(value, dotted) if isinstance(value, str) else value
        try:
            if isinstance(text, bool):
                raise ValueError
            seconds = float(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise self.fail(dotted, f"expected a number of seconds, got {value!r}") from None
        if seconds <= 0:
            raise self.fail(dotted, f"expected a positive number of seconds, got {value!r}")
        return seconds

    def _text(self, value: str, dotted: str) -> str:
        where = f"{self.source}: {dotted}"
        result = interpolate(value, self.environ, where=where, missing=self.missing)
        secret_field = is_secret_name(dotted.rsplit(".", 1)[-1])
        if result.variables and (secret_field or any(map(is_secret_name, result.variables))):
            self.secrets.add(result.text)
        return result.text


def _build(flat: dict[str, object], reader: _Reader, *, source: str, root: Path) -> Params:
    get = flat.get
    auth = build_auth_config(get, reader.fail)
    profile = get("platform.profile") or "any"
    if profile not in PROFILES:
        raise reader.fail("platform.profile", f"expected one of {', '.join(PROFILES)}")
    base_url = _base_url(get("platform.base_url"), reader)
    state_dir = get("platform.state_dir")
    if not base_url and not state_dir:
        raise reader.fail(
            "platform", "give base_url (remote platform) or state_dir (local shopstack)"
        )
    users = _users(get("users"), reader)
    if auth.default_user and auth.default_user not in users:
        known = ", ".join(users) or "none declared"
        raise reader.fail("auth.default_user", f"no persona {auth.default_user!r} (users: {known})")
    databases = dict(get("databases") or {})
    secrets = set(reader.secrets) | {get("admin_token")} | _auth_secrets(auth)
    secrets |= {v for fields in users.values() for k, v in fields.items() if _secret_field(k, v)}
    for url in [*databases.values(), get("mailbox.url")]:
        secrets |= _passwords(url)
    return Params(
        source=source,
        root=root,
        base_url=base_url,
        state_dir=_resolve(root, state_dir) if state_dir else None,
        profile=str(profile),
        auth=auth,
        admin_token=get("admin_token"),
        databases=databases,
        mailbox_url=get("mailbox.url"),
        request_timeout_s=get("timeouts.request_s") or 10.0,
        eventually_timeout_s=get("timeouts.eventually_s") or 10.0,
        health=_health(get("platform.health"), reader),
        whoami=_whoami(get("platform.whoami"), reader),
        api_prefix=_api_prefix(get("platform.api_prefix"), reader),
        openapi=get("platform.openapi"),
        users=users,
        vars=_vars(get("vars"), reader),
        secrets=frozenset(s for s in secrets if s),
    )


def _vars(value: object, reader: _Reader) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise reader.fail("vars", "expected a mapping of name to value")
    return dict(value)


def _secret_field(name: str, value: object) -> bool:
    return is_secret_name(name) and isinstance(value, str)


def _auth_secrets(auth: AuthConfig) -> set[str | None]:
    found: set[str | None] = {auth.token}
    if auth.mode == "header" and auth.value and "{" not in auth.value:
        found.add(auth.value)
    if auth.jwt:
        found |= {auth.jwt.secret, auth.jwt.private_key}
    if auth.oauth2:
        found.add(auth.oauth2.client_secret)
    found |= {
        value
        for name, value in auth.headers.items()
        if "{" not in value and (is_secret_name(name.replace("-", "_")) or name.lower() == "cookie")
    }
    return found


def _users(value: object, reader: _Reader) -> dict[str, dict[str, Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise reader.fail("users", "expected a mapping of persona name to its fields")
    users: dict[str, dict[str, Any]] = {}
    for name, fields in value.items():
        if not isinstance(fields, dict):
            raise reader.fail(f"users.{name}", "expected a mapping of fields (email, password, …)")
        users[str(name)] = dict(fields)
    return users


def _health(value: object, reader: _Reader) -> str | None:
    if value is None:
        return "/health"
    text = str(value).strip()
    if text.lower() == NO_HEALTH:
        return None
    if not text.startswith(("/", "http://", "https://")):
        raise reader.fail(
            "platform.health", f"expected a path such as /health, or none, got {text!r}"
        )
    return text


def _whoami(value: object, reader: _Reader) -> Whoami | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        raise reader.fail("platform.whoami", "expected a path, or {path: …, expect: {…}}")
    unknown = set(value) - {"path", "expect"}
    if unknown:
        raise reader.fail(
            f"platform.whoami.{sorted(unknown)[0]}", "unknown field (valid: path, expect)"
        )
    expect = value.get("expect") or {}
    if not isinstance(expect, dict):
        raise reader.fail("platform.whoami.expect", "expected a mapping of JSON path to value")
    return Whoami(path=value["path"], expect=dict(expect))


def _api_prefix(value: object, reader: _Reader) -> str:
    if not value:
        return ""
    text = "/" + str(value).strip().strip("/")
    return "" if text == "/" else text


def _base_url(value: object, reader: _Reader) -> str | None:
    if not value:
        return None
    url = str(value).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise reader.fail("platform.base_url", f"expected an http(s) URL, got {url!r}")
    return url


def _passwords(url: object) -> set[str]:
    """The password of a URL, as written and percent-decoded (both forms get redacted)."""
    if not isinstance(url, str):
        return set()
    try:
        password = urlsplit(url).password
    except ValueError:
        return set()
    return {password, unquote(password)} if password else set()


def _resolve(root: Path, state_dir: object) -> Path:
    path = Path(str(state_dir)).expanduser()
    return path if path.is_absolute() else (root / path).resolve()
