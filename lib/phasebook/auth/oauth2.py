"""``oauth2``: tokens from an OAuth 2 token endpoint, through authlib.

Client-credentials tokens are shared by every persona; password-grant tokens are fetched per
persona with its ``username`` / ``password`` fields (templates ``auth.oauth2.username`` /
``password``). authlib does the protocol; this class caches, refreshes and redacts.
"""

from __future__ import annotations

import httpx

from ..errors import AuthError
from ..redact import Redactor
from .config import AuthConfig, OAuth2Config
from .personas import Persona
from .providers import AuthProvider
from .templates import fill

_SHARED = "(client)"


class OAuth2Auth(AuthProvider):
    """``oauth2``: ``Authorization: Bearer <access_token>`` from the token endpoint."""

    mode = "oauth2"

    def __init__(
        self, config: AuthConfig, redactor: Redactor, *, transport: httpx.BaseTransport | None
    ):
        super().__init__(config, redactor)
        self._oauth: OAuth2Config = config.oauth2  # type: ignore[assignment]
        self._transport = transport
        self._tokens: dict[str, str] = {}
        redactor.register(self._oauth.client_secret)

    def _key(self, persona: Persona | None) -> str:
        if self._oauth.grant == "client_credentials" or persona is None:
            return _SHARED
        return persona.name

    def token(self, persona: Persona | None) -> str:
        key = self._key(persona)
        if key not in self._tokens:
            self._tokens[key] = self._fetch(persona)
        return self._tokens[key]

    def _fetch(self, persona: Persona | None) -> str:
        from authlib.common.errors import AuthlibBaseError
        from authlib.integrations.httpx_client import OAuth2Client

        extra: dict[str, str] = {}
        if self._oauth.grant == "password":
            if persona is None:
                raise AuthError("oauth2 password grant: the session has no persona to log in as")
            extra = {
                "username": str(fill(self._oauth.username, persona)),
                "password": str(fill(self._oauth.password, persona)),
            }
            self.redactor.register(extra["password"])
        client = OAuth2Client(
            client_id=self._oauth.client_id,
            client_secret=self._oauth.client_secret,
            scope=self._oauth.scope,
            transport=self._transport,
        )
        try:
            token = client.fetch_token(self._oauth.token_url, grant_type=self._oauth.grant, **extra)
        except (AuthlibBaseError, httpx.HTTPError, ValueError) as exc:
            raise AuthError(
                f"oauth2 {self._oauth.grant} token request to {self._oauth.token_url} failed: "
                f"{self.redactor.text(str(exc))} — check auth.oauth2 and the client credentials"
            ) from None
        finally:
            client.close()
        access = token.get("access_token")
        if not access:
            raise AuthError(f"oauth2: {self._oauth.token_url} returned no access_token")
        self.redactor.register(access)
        self.redactor.register(token.get("refresh_token"))
        return access

    def credentials(self, persona: Persona | None) -> dict[str, str]:
        return self._header(self.token(persona))

    def refresh(self, persona: Persona | None) -> bool:
        return self._tokens.pop(self._key(persona), None) is not None
