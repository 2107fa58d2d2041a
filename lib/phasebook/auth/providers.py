"""Auth providers: turn a persona into the headers of one request.

One small class per mode behind the :class:`AuthProvider` interface. Providers that obtain
credentials (jwt, login, cookie, oauth2) fetch them on first use per persona, cache them,
and drop them on :meth:`AuthProvider.refresh` (the API client calls it once after a 401).
Every credential a provider mints, obtains or sends is registered with the redactor, so it
is masked wherever it is shown or written — and never altered where it is used.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..errors import ConfigError
from ..redact import MIN_FIELD_SECRET, Redactor
from .config import AuthConfig, JwtConfig
from .personas import Persona
from .templates import OMITTED, fill


class AuthProvider:
    """Credentials for a persona (``None``: the session has no persona)."""

    mode = "none"

    def __init__(self, config: AuthConfig, redactor: Redactor):
        self.config = config
        self.redactor = redactor

    def headers(self, persona: Persona | None) -> dict[str, str]:
        """The headers of a request as ``persona``: its credentials (may perform a login on
        first use), then ``auth.headers`` filled from its fields."""
        return {**self.credentials(persona), **self.persona_headers(persona)}

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        """The headers that authenticate ``persona`` (one provider per mode overrides this)."""
        return {}

    def persona_headers(self, persona: Persona | None) -> dict[str, str]:
        """``auth.headers`` filled from the persona (tenant, locale, …); with no persona, only
        those that name no field."""
        sent: dict[str, str] = {}
        for name, template in self.config.headers.items():
            if persona is None:
                value = template if "{" not in template else OMITTED
            else:
                value = fill(template, persona)
            if value is not OMITTED:
                sent[name] = str(value)
        return sent

    def refresh(self, persona: Persona | None) -> bool:
        """Forget cached credentials of ``persona``; True when a retry may now succeed."""
        return False

    def describe(self) -> str:
        return self.config.describe()

    def _header(self, credential: str) -> dict[str, str]:
        self.redactor.register(credential)
        scheme = self.config.scheme
        return {self.config.header: f"{scheme} {credential}" if scheme else credential}


class NoAuth(AuthProvider):
    """``auth.mode: none``."""


class HeaderAuth(AuthProvider):
    """``mock`` and ``header``: a header whose value is a persona template or a fixed value."""

    mode = "header"

    def __init__(self, config: AuthConfig, redactor: Redactor):
        super().__init__(config, redactor)
        self.mode = config.mode
        self._secret_value = "{" not in (config.value or "")
        if self._secret_value:
            redactor.register(config.value)

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        if persona is None and not self._secret_value:
            return {}
        if self._secret_value:
            value = str(self.config.value)
        else:
            value = str(fill(self.config.value, persona))
        scheme = self.config.scheme
        header_value = f"{scheme} {value}" if scheme else value
        if self._secret_value or self._is_credential(value):
            self.redactor.register(value)
        return {self.config.header: header_value}

    def _is_credential(self, value: str) -> bool:
        """A persona's value sent in an Authorization/Cookie header, or in ``header`` mode one
        long enough to be a key (an API key per persona); shopstack's ``mock`` user ids, and
        short ids in ``header`` mode, stay readable (masking "5" would mask every 5)."""
        if self.config.header.lower() in ("authorization", "cookie"):
            return True
        return self.mode == "header" and len(value) >= MIN_FIELD_SECRET


class BearerAuth(AuthProvider):
    """``bearer``: a static token from the environment, whoever the persona is."""

    mode = "bearer"

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        return self._header(str(self.config.token))


class JwtAuth(AuthProvider):
    """``jwt``: a token minted per persona (claim from a persona field, extra claims, exp)."""

    mode = "jwt"

    def __init__(
        self, config: AuthConfig, redactor: Redactor, *, clock: Callable[[], float] = time.time
    ):
        super().__init__(config, redactor)
        self._jwt: JwtConfig = config.jwt  # type: ignore[assignment]
        self._clock = clock
        self._tokens: dict[str, tuple[str, float]] = {}
        redactor.register(self._jwt.secret)
        redactor.register(self._jwt.private_key)

    def token(self, persona: Persona) -> str:
        """A valid token for ``persona`` (cached until a minute before it expires)."""
        now = self._clock()
        cached = self._tokens.get(persona.name)
        if cached and cached[1] - now > 60:
            return cached[0]
        import jwt

        expires = int(now + self._jwt.lifetime_s)
        claims = {self._jwt.claim: persona[self._jwt.user_field], "exp": expires}
        claims.update(fill(dict(self._jwt.claims), persona))
        key = self._jwt.private_key or self._jwt.secret
        try:
            token = jwt.encode(claims, key, algorithm=self._jwt.algorithm)
        except (ValueError, TypeError, jwt.PyJWTError) as exc:
            raise ConfigError(
                f"auth.jwt: cannot sign a {self._jwt.algorithm} token ({exc}) — check "
                "auth.jwt.private_key / auth.jwt_secret"
            ) from exc
        self.redactor.register(token)
        self._tokens[persona.name] = (token, expires)
        return token

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        return {} if persona is None else self._header(self.token(persona))

    def refresh(self, persona: Persona | None) -> bool:
        return persona is not None and self._tokens.pop(persona.name, None) is not None
