"""Auth providers: how a request proves who it is made as (``auth:`` in params).

    from phasebook.auth import build_provider
    provider = build_provider(params.auth, redactor=redactor, http=client)
    provider.headers(persona)

shopstack's two modes are two configurations: ``mock`` (``X-User-Id``) and ``jwt``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..redact import Redactor
from .config import AUTH_MODES, AuthConfig, build_auth_config
from .personas import Persona, Personas
from .providers import AuthProvider, BearerAuth, HeaderAuth, JwtAuth, NoAuth

if TYPE_CHECKING:
    import httpx

__all__ = [
    "AUTH_MODES",
    "AuthConfig",
    "AuthProvider",
    "Persona",
    "Personas",
    "build_auth_config",
    "build_provider",
]


def build_provider(
    config: AuthConfig,
    *,
    redactor: Redactor,
    http: httpx.Client | None = None,
    transport: Any = None,
) -> AuthProvider:
    """The provider for ``config``; ``http`` (base URL set) is needed by login and cookie."""
    mode = config.mode
    if mode == "none":
        return NoAuth(config, redactor)
    if mode in ("mock", "header"):
        return HeaderAuth(config, redactor)
    if mode == "bearer":
        return BearerAuth(config, redactor)
    if mode == "jwt":
        return JwtAuth(config, redactor)
    if mode == "oauth2":
        from .oauth2 import OAuth2Auth

        return OAuth2Auth(config, redactor, transport=transport)
    from .login import CookieAuth, LoginAuth

    if http is None:
        raise ValueError(f"auth mode {mode} needs an http client to log in with")
    if mode == "login":
        return LoginAuth(config, redactor, http=http)
    return CookieAuth(config, redactor, http=http)
