"""Who a request is made as: mock ``X-User-Id``, a minted JWT, or a fixed bearer token."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from .redact import Redactor


class Identity(Protocol):
    """Turns a user id (or None for "no credentials") into request headers."""

    def headers(self, user_id: int | None) -> dict[str, str]: ...


class MockIdentity:
    """``auth.mode: mock`` — the platform trusts the ``X-User-Id`` header."""

    def headers(self, user_id: int | None) -> dict[str, str]:
        return {} if user_id is None else {"X-User-Id": str(int(user_id))}


class JwtIdentity:
    """``auth.mode: jwt`` — HS256 tokens with an integer ``user_id`` claim and ``exp``.

    Tokens are cached per user and re-minted shortly before they expire; every minted token
    is registered with the redactor, like the secret itself.
    """

    def __init__(
        self,
        secret: str,
        redactor: Redactor,
        *,
        lifetime_s: int = 3600,
        clock: Callable[[], float] = time.time,
    ):
        self._secret = secret
        self._redactor = redactor
        self._lifetime = lifetime_s
        self._clock = clock
        self._tokens: dict[int, tuple[str, float]] = {}
        redactor.register(secret)

    def token(self, user_id: int) -> str:
        """A valid token for ``user_id`` (minted or cached)."""
        now = self._clock()
        cached = self._tokens.get(user_id)
        if cached and cached[1] - now > 60:
            return cached[0]
        import jwt

        expires = int(now) + self._lifetime
        token = jwt.encode({"user_id": int(user_id), "exp": expires}, self._secret, "HS256")
        self._redactor.register(token)
        self._tokens[user_id] = (token, expires)
        return token

    def headers(self, user_id: int | None) -> dict[str, str]:
        return {} if user_id is None else {"Authorization": f"Bearer {self.token(user_id)}"}


class BearerIdentity:
    """A fixed bearer token (the admin token); the user id is ignored."""

    def __init__(self, token: str, redactor: Redactor):
        self._token = token
        redactor.register(token)

    def headers(self, user_id: int | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}
