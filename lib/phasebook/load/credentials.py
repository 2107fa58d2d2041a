"""Credentials of the Locust users: the same auth providers as the notebooks' sessions.

Runs inside the Locust process (it imports phasebook, never the other way round). The
load run hands over the params file (``PHASEBOOK_LOAD_PARAMS``, else ``PHASEBOOK_PARAMS``)
and, optionally, one persona to act as (``PHASEBOOK_LOAD_PERSONA``, JSON ``{"name",
"fields"}``). Who a simulated user is:

- a persona was handed over: every Locust user acts as it (login, cookie, oauth2, …);
- the auth mode identifies users by a numeric ``user_id`` (shopstack's ``mock`` and
  ``jwt``): each purchase gets a fresh id from the run's range, as before;
- otherwise the params' default persona (``auth.default_user``, else the first of ``users:``).

Without any params file the Locust users send shopstack's ``X-User-Id`` (the locustfile
run by hand against a mock-auth shopstack).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..redact import is_secret_name

PARAMS_VARS = ("PHASEBOOK_LOAD_PARAMS", "PHASEBOOK_PARAMS")
PERSONA_VAR = "PHASEBOOK_LOAD_PERSONA"


class DeferredRedactor:
    """A redactor for many short-lived tokens: registering is a set insertion; the pattern
    is compiled only when a failure message is masked (phasebook's :class:`Redactor`
    recompiles on every registration, too slow for one minted JWT per simulated purchase)."""

    def __init__(self, secrets: Any = ()):
        self._secrets: set[str] = {s for s in secrets if isinstance(s, str) and s}
        self._pattern: re.Pattern[str] | None = None
        self._compiled_for = 0

    def register(self, secret: str | None) -> None:
        if secret and isinstance(secret, str):
            self._secrets.add(secret)

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def text(self, value: str) -> str:
        if not self._secrets or not value:
            return value
        if self._pattern is None or self._compiled_for != len(self._secrets):
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))
            self._compiled_for = len(self._secrets)
        return self._pattern.sub("***", value)


class LoadCredentials:
    """Headers for one simulated user; ``refresh`` after a 401; ``redact`` failure text."""

    def __init__(self, provider: Any, *, persona: Any, numeric: Any, redactor: Any):
        self.provider = provider
        self.persona = persona
        self._numeric = numeric  # Persona.numeric, when users are numeric ids
        self.redactor = redactor

    @property
    def mode(self) -> str:
        return self.provider.mode if self.provider is not None else "mock"

    def headers(self, user_id: int) -> dict[str, str]:
        """Headers of simulated user ``user_id`` (ignored when acting as one persona)."""
        if self.provider is None:
            return {"X-User-Id": str(user_id)}
        return self.provider.headers(self.who(user_id))

    def who(self, user_id: int) -> Any:
        return self.persona if self._numeric is None else self._numeric(user_id)

    def refresh(self, user_id: int) -> None:
        """Forget the credentials of ``user_id``'s persona (after a 401: log in again)."""
        if self.provider is not None:
            self.provider.refresh(self.who(user_id))

    def redact(self, text: str) -> str:
        return self.redactor.text(text) if self.redactor is not None else text


def credentials_from_env(
    environ: Mapping[str, str], *, host: str, transport: Any = None
) -> LoadCredentials:
    """The credentials the environment describes (see the module docstring); ``transport``
    (httpx) exists for tests."""
    path = next((environ[v] for v in PARAMS_VARS if environ.get(v)), None)
    if path is None:
        return LoadCredentials(None, persona=None, numeric=None, redactor=None)
    import httpx

    from ..auth import Persona, build_provider
    from ..params import load_params

    params = load_params(path, environ=environ)
    redactor = DeferredRedactor(params.secrets)
    http = httpx.Client(base_url=host, timeout=params.request_timeout_s, transport=transport)
    provider = build_provider(  # type: ignore[arg-type]
        params.auth, redactor=redactor, http=http, transport=transport
    )
    handed = environ.get(PERSONA_VAR)
    if handed:
        given = json.loads(handed)
        persona = Persona(given["name"], dict(given.get("fields") or {}))
    elif params.auth.uses_user_ids:
        return LoadCredentials(provider, persona=None, numeric=Persona.numeric, redactor=redactor)
    else:
        persona = _default_persona(params, Persona)
    for key, value in (persona.fields if persona else {}).items():
        if isinstance(value, str) and is_secret_name(key):
            redactor.register(value)
    return LoadCredentials(provider, persona=persona, numeric=None, redactor=redactor)


def _default_persona(params: Any, persona_type: Any) -> Any:
    name = params.auth.default_user or next(iter(params.users), None)
    return persona_type(name, dict(params.users[name])) if name else None


def persona_env(persona: Any) -> dict[str, str]:
    """``PHASEBOOK_LOAD_PERSONA`` for acting as ``persona`` (a child process's environment
    only: never written to a file or an output)."""
    return {PERSONA_VAR: json.dumps({"name": persona.name, "fields": dict(persona.fields)})}
