"""Redaction: secrets never reach a display, the journal or a written payload.

A :class:`Redactor` knows a set of secret values (registered by the params loader, the JWT
identity, the admin client) and replaces each of them with ``***`` wherever it appears:
in strings, inside JSON bodies (keys and values, recursively), in headers and in URLs.
Authorization, Cookie and Set-Cookie headers are masked whatever their value.

A secret shorter than :data:`WHOLE_WORD_BELOW` characters (a test password like ``b`` or
``test``) is masked where it stands as a whole word (not between letters or digits): masked
everywhere, ``b`` turned ``database`` into ``data***ase`` in every output, and the word
around it is not the secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
MIN_FIELD_SECRET = 8  # shorter values under a secret-named key ("Bearer") are not secrets
WHOLE_WORD_BELOW = 8  # shorter secrets are masked only where they are not inside a word
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SECRET_WORDS = ("token", "secret", "password", "passwd", "api_key", "apikey", "credential")


CREDENTIAL_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth_token",
        "session_token",
        "bearer_token",
        "jwt",
        "api_key",
        "apikey",
        "secret",
        "client_secret",
        "session",
        "sessionid",
        "session_id",
    }
)


def is_credential_key(name: str) -> bool:
    """True for a JSON key whose string value is a credential (``token``, ``password``…)."""
    lowered = name.lower().replace("-", "_")
    return lowered in CREDENTIAL_KEYS or "password" in lowered or "passwd" in lowered


def is_secret_name(name: str) -> bool:
    """True when a field or variable name says it holds a secret (token, password, api_key…)."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _masking_pattern(secret: str) -> str:
    escaped = re.escape(secret)
    if len(secret) >= WHOLE_WORD_BELOW:
        return escaped
    return rf"(?<![^\W_]){escaped}(?![^\W_])"  # not next to a letter or digit


class Redactor:
    """Replaces registered secret values with ``***``."""

    def __init__(self, secrets: Iterable[str] = ()):
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.register(secret)

    def register(self, secret: str | None) -> None:
        """Remember ``secret`` (empty values are ignored)."""
        if not secret or not isinstance(secret, str) or secret in self._secrets:
            return
        self._secrets.add(secret)
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(_masking_pattern(s) for s in ordered))

    def register_fields(self, obj: object) -> None:
        """Register every credential a JSON-like value carries (recursively): a string under a
        key named like :data:`CREDENTIAL_KEYS` (``token``, ``access_token``, ``password``…),
        e.g. the token of a sign-up answer or the password of a request body. Keys that merely
        contain "token" (``payment_token: tok_visa``, a card test token) are not credentials."""
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                if isinstance(value, str) and is_credential_key(str(key)):
                    if len(value) >= MIN_FIELD_SECRET:
                        self.register(value)
                else:
                    self.register_fields(value)
        elif isinstance(obj, list | tuple):
            for item in obj:
                self.register_fields(item)

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def text(self, value: str) -> str:
        """``value`` with every registered secret masked."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(MASK, value)

    def value(self, obj: object) -> object:
        """A copy of a JSON-like object with secrets masked in every string, key and value."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, Mapping):
            return {self.value(k): self.value(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.value(item) for item in obj]
        return obj

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        """Headers as a dict, with sensitive headers and secret values masked."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        result: dict[str, str] = {}
        for name, value in items:
            masked = MASK if name.lower() in SENSITIVE_HEADERS else self.text(value)
            result[name] = masked
        return result

    def url(self, url: str) -> str:
        """A URL with its password (if any) and registered secrets masked."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url)
        if parts.password:
            host = parts.hostname or ""
            if parts.port:
                host = f"{host}:{parts.port}"
            netloc = f"{parts.username or ''}:{MASK}@{host}"
            url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
        return self.text(url)
