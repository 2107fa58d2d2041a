"""Params files: YAML that says which platform to test and how to reach it.

``load_params()`` reads the file named by ``PHASEBOOK_PARAMS`` (default
``params/local.yaml`` under the repository root), interpolates ``${VAR}`` references,
validates every field (unknown field → closest valid name; wrong type → expected type) and
returns a frozen :class:`Params`. Secret values are collected in ``Params.secrets`` so the
session can redact them. No network, no platform.json here: see ``discovery.py``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from .errors import ConfigError
from .interpolate import interpolate
from .redact import is_secret_name

DEFAULT_PARAMS = "params/local.yaml"
AUTH_MODES = ("mock", "jwt")
PROFILES = ("any", "sqlite", "postgres")
_STR, _SECONDS, _NAMED_URLS = "a string", "a number of seconds", "a mapping of name to URL"

SCHEMA: dict = {
    "description": _STR,
    "platform": {"base_url": _STR, "state_dir": _STR, "profile": _STR},
    "auth": {"mode": _STR, "jwt_secret": _STR},
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
    auth_mode: str = "mock"
    jwt_secret: str | None = field(default=None, repr=False)
    admin_token: str | None = field(default=None, repr=False)
    databases: dict[str, str] = field(default_factory=dict, repr=False)
    mailbox_url: str | None = None
    request_timeout_s: float = 10.0
    eventually_timeout_s: float = 10.0
    secrets: frozenset[str] = field(default=frozenset(), repr=False)


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
    source = _display_name(file, root)
    raw = _read_yaml(file, source)
    reader = _Reader(source, environ)
    flat = reader.section(raw, SCHEMA, "")
    return _build(flat, reader, source=source, root=root)


def _display_name(file: Path, root: Path) -> str:
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
            f"params file {source} not found — set PHASEBOOK_PARAMS to an existing file ({hint})"
        )
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
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
        result = interpolate(value, self.environ, where=f"{self.source}: {dotted}")
        secret_field = is_secret_name(dotted.rsplit(".", 1)[-1])
        if result.variables and (secret_field or any(map(is_secret_name, result.variables))):
            self.secrets.add(result.text)
        return result.text


def _build(flat: dict[str, object], reader: _Reader, *, source: str, root: Path) -> Params:
    get = flat.get
    mode = get("auth.mode") or "mock"
    if mode not in AUTH_MODES:
        raise reader.fail("auth.mode", f"expected one of {', '.join(AUTH_MODES)}, got {mode!r}")
    if mode == "jwt" and not get("auth.jwt_secret"):
        raise reader.fail(
            "auth.jwt_secret",
            "required when auth.mode is jwt — export SHOPSTACK_JWT_SECRET or set the field",
        )
    profile = get("platform.profile") or "any"
    if profile not in PROFILES:
        raise reader.fail("platform.profile", f"expected one of {', '.join(PROFILES)}")
    base_url = _base_url(get("platform.base_url"), reader)
    state_dir = get("platform.state_dir")
    if not base_url and not state_dir:
        raise reader.fail(
            "platform", "give base_url (remote platform) or state_dir (local shopstack)"
        )
    databases = dict(get("databases") or {})
    secrets = set(reader.secrets) | {get("auth.jwt_secret"), get("admin_token")}
    for url in [*databases.values(), get("mailbox.url")]:
        secrets |= _passwords(url)
    return Params(
        source=source,
        root=root,
        base_url=base_url,
        state_dir=_resolve(root, state_dir) if state_dir else None,
        profile=str(profile),
        auth_mode=str(mode),
        jwt_secret=get("auth.jwt_secret"),
        admin_token=get("admin_token"),
        databases=databases,
        mailbox_url=get("mailbox.url"),
        request_timeout_s=get("timeouts.request_s") or 10.0,
        eventually_timeout_s=get("timeouts.eventually_s") or 10.0,
        secrets=frozenset(s for s in secrets if s),
    )


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
