"""Settings of one shopstack process, read from the environment when first asked for."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class SettingsError(ValueError):
    """A setting has a value the platform cannot start with."""


def _float_env(name: str, default: float, *, low: float, high: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a number") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r} must be between {low} and {high}")
    return value


def _int_env(name: str, default: int, *, low: int, high: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r} must be between {low} and {high}")
    return value


def _auth(mode_raw: str, jwt_secret: str) -> str:
    """The auth mode, refusing configurations that could mean two things."""
    auth_mode = mode_raw.strip().lower() or "mock"
    if auth_mode not in ("mock", "jwt"):
        raise SettingsError(f"SHOPSTACK_AUTH_MODE={auth_mode!r}: expected 'mock' or 'jwt'")
    if auth_mode == "jwt" and not jwt_secret:
        raise SettingsError("SHOPSTACK_AUTH_MODE=jwt needs a non-empty SHOPSTACK_JWT_SECRET")
    if auth_mode != "jwt" and jwt_secret:
        # A secret without jwt mode would silently keep trusting X-User-Id: fail closed.
        raise SettingsError(
            f"SHOPSTACK_JWT_SECRET is set but SHOPSTACK_AUTH_MODE is {auth_mode!r}: "
            "set SHOPSTACK_AUTH_MODE=jwt to require tokens, or unset SHOPSTACK_JWT_SECRET"
        )
    return auth_mode


_NAMESPACE = re.compile(r"[a-z_][a-z0-9_]{0,39}")


def _namespace(raw: str) -> str:
    """The prefix of the platform's PostgreSQL schemas and Redis keys: one lower-case word."""
    if not _NAMESPACE.fullmatch(raw):
        raise SettingsError(
            f"SHOPSTACK_DB_NAMESPACE={raw!r}: use 1-40 lower-case letters, digits or '_', "
            "not starting with a digit (e.g. 'shopstack' or 'ci_run_7')"
        )
    return raw


@dataclass(frozen=True)
class Settings:
    state_dir: Path
    database_url: str | None  # PostgreSQL base URL; None = SQLite files in state_dir
    db_namespace: str
    redis_url: str | None
    auth_mode: str
    jwt_secret: str
    admin_token: str
    downstream_timeout_s: float
    reservation_ttl_s: float
    payment_failure_rate: float
    smtp_host: str
    smtp_port: int
    max_body_bytes: int = 1024 * 1024  # larger request bodies: 413 payload_too_large
    cart_max_lines: int = 100  # distinct products in one cart

    @classmethod
    def from_env(cls) -> Settings:
        jwt_secret = os.environ.get("SHOPSTACK_JWT_SECRET", "")
        auth_mode = _auth(os.environ.get("SHOPSTACK_AUTH_MODE", "mock"), jwt_secret)
        return cls(
            state_dir=Path(os.environ.get("SHOPSTACK_STATE_DIR", ".shopstack")).resolve(),
            database_url=os.environ.get("SHOPSTACK_DATABASE_URL") or None,
            db_namespace=_namespace(os.environ.get("SHOPSTACK_DB_NAMESPACE", "shopstack")),
            redis_url=os.environ.get("SHOPSTACK_REDIS_URL") or None,
            auth_mode=auth_mode,
            jwt_secret=jwt_secret,
            admin_token=os.environ.get("SHOPSTACK_ADMIN_TOKEN", ""),
            downstream_timeout_s=_float_env(
                "SHOPSTACK_DOWNSTREAM_TIMEOUT_SECONDS", 2.0, low=0.05, high=60
            ),
            reservation_ttl_s=_float_env(
                "SHOPSTACK_RESERVATION_TTL_SECONDS", 300.0, low=0.1, high=86400
            ),
            payment_failure_rate=_float_env(
                "SHOPSTACK_PAYMENT_FAILURE_RATE", 0.0, low=0.0, high=1.0
            ),
            smtp_host=os.environ.get("SHOPSTACK_SMTP_HOST", "127.0.0.1"),
            smtp_port=int(os.environ.get("SHOPSTACK_SMTP_PORT", "1025")),
            max_body_bytes=_int_env(
                "SHOPSTACK_MAX_BODY_BYTES", 1024 * 1024, low=1024, high=1024**3
            ),
            cart_max_lines=_int_env("SHOPSTACK_CART_MAX_LINES", 100, low=1, high=100_000),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
