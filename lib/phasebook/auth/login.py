"""Credentials obtained over HTTP: a login that returns a token, or sets a session cookie.

The login request is made once per persona, on first use, with the persona's fields filled
into ``auth.login.json`` / ``form``; the token (``auth.login.token``, a JSON path) or the
cookies are cached until :meth:`refresh` (after a 401). Passwords sent and tokens or
cookies received are registered with the redactor before anything can show them.
"""

from __future__ import annotations

from typing import Any

import httpx

from .. import jsonpath
from ..display import shorten
from ..errors import AuthError
from ..redact import Redactor
from .config import AuthConfig, LoginConfig
from .personas import Persona
from .providers import AuthProvider
from .templates import fill


class _LoginRequest:
    """Sends the configured login request for a persona; returns the httpx response."""

    def __init__(self, login: LoginConfig, http: httpx.Client, redactor: Redactor):
        self.login = login
        self.http = http
        self.redactor = redactor

    def send(self, persona: Persona) -> httpx.Response:
        body = fill(self.login.json, persona) if self.login.json is not None else None
        form = fill(dict(self.login.form), persona) if self.login.form is not None else None
        label = f"{self.login.method} {self.login.path} as {persona.name}"
        try:
            response = self.http.request(self.login.method, self.login.path, json=body, data=form)
        except httpx.HTTPError as exc:
            raise AuthError(
                f"login failed: {label}: {type(exc).__name__}: {self.redactor.text(str(exc))} — "
                "is the platform up? check platform.base_url"
            ) from None
        if response.status_code >= 400:
            raise AuthError(
                f"login failed: {label} → {response.status_code} "
                f"{self.redactor.text(shorten(response.text, 160))} — check users.{persona.name} "
                "and auth.login in the params file"
            )
        return response


class LoginAuth(AuthProvider):
    """``login``: POST credentials, read the token from the answer, send ``<scheme> <token>``."""

    mode = "login"

    def __init__(self, config: AuthConfig, redactor: Redactor, *, http: httpx.Client):
        super().__init__(config, redactor)
        self._request = _LoginRequest(config.login, http, redactor)  # type: ignore[arg-type]
        self._tokens: dict[str, str] = {}

    def token(self, persona: Persona) -> str:
        """The persona's token (logging in on first use)."""
        if persona.name not in self._tokens:
            response = self._request.send(persona)
            self._tokens[persona.name] = self._extract(response, persona)
        return self._tokens[persona.name]

    def _extract(self, response: httpx.Response, persona: Persona) -> str:
        path = str(self.config.login.token)  # type: ignore[union-attr]
        try:
            token: Any = jsonpath.resolve(response.json(), path)
        except (ValueError, jsonpath.PathNotFound) as exc:
            raise AuthError(
                f"login as {persona.name}: no token at {path!r} in the answer "
                f"({self.redactor.text(str(exc))}) — check auth.login.token"
            ) from None
        if not isinstance(token, str) or not token:
            raise AuthError(
                f"login as {persona.name}: {path!r} is {type(token).__name__}, not a token string "
                "— check auth.login.token"
            )
        self.redactor.register(token)
        return token

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        return {} if persona is None else self._header(self.token(persona))

    def refresh(self, persona: Persona | None) -> bool:
        return persona is not None and self._tokens.pop(persona.name, None) is not None


class CookieAuth(AuthProvider):
    """``cookie``: log in, keep the session cookie(s) it sets, send them as ``Cookie``."""

    mode = "cookie"

    def __init__(self, config: AuthConfig, redactor: Redactor, *, http: httpx.Client):
        super().__init__(config, redactor)
        self._request = _LoginRequest(config.login, http, redactor)  # type: ignore[arg-type]
        self._cookies: dict[str, dict[str, str]] = {}

    def cookies(self, persona: Persona) -> dict[str, str]:
        """The persona's session cookies (logging in on first use)."""
        if persona.name not in self._cookies:
            response = self._request.send(persona)
            jar = {name: value for name, value in response.cookies.items()}
            wanted = self.config.cookie_names
            kept = {k: v for k, v in jar.items() if not wanted or k in wanted}
            if not kept:
                expected = ", ".join(wanted) if wanted else "any cookie"
                raise AuthError(
                    f"login as {persona.name}: the answer set no {expected} "
                    f"(got: {', '.join(jar) or 'none'}) — check auth.cookie.name"
                )
            for value in kept.values():
                self.redactor.register(value)
            self._cookies[persona.name] = kept
        return self._cookies[persona.name]

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        if persona is None:
            return {}
        jar = self.cookies(persona)
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}

    def refresh(self, persona: Persona | None) -> bool:
        return persona is not None and self._cookies.pop(persona.name, None) is not None
