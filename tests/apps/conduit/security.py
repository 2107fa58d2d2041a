"""Passwords (PBKDF2) and tokens (HS256 JWT, ``Authorization: Token <jwt>``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import jwt

SCHEME = "Token"
_ROUNDS = 100_000


class InvalidToken(Exception):
    """The token is missing, malformed, expired or signed with another secret."""


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ROUNDS).hex()
    return f"{salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    given = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ROUNDS).hex()
    return hmac.compare_digest(given, digest)


def issue_token(
    user_id: int, username: str, *, secret: str, lifetime_s: int, now: float | None = None
) -> str:
    """A token for ``user_id``. Claims have one-second resolution, so two logins of the same
    user within one second get the identical token (as real platforms do)."""
    now = int(time.time() if now is None else now)
    claims = {"sub": str(user_id), "username": username, "iat": now, "exp": now + lifetime_s}
    return jwt.encode(claims, secret, algorithm="HS256")


def user_id_from_header(header: str | None, *, secret: str) -> tuple[int, str]:
    """``(user id, token)`` from an ``Authorization: Token <jwt>`` header (InvalidToken)."""
    if not header:
        raise InvalidToken("missing Authorization header (expected 'Token <jwt>')")
    scheme, _, token = header.partition(" ")
    if scheme != SCHEME or not token:
        raise InvalidToken(f"expected 'Authorization: {SCHEME} <jwt>'")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub"]})
        return int(claims["sub"]), token
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken("invalid token") from exc
