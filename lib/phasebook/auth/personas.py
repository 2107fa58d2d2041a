"""Personas: the named test users a suite acts as, with free-form fields.

Declared in params (``users: {alice: {email: …, password: …}}``) or added at runtime
(``s.users.add("bob", email=…, password=…)`` after a sign-up). shopstack's numeric users
are personas too: ``Persona.numeric(42)`` has the single field ``user_id``.
Every field whose name says it is a secret (password, token, …) is registered with the
redactor as soon as the persona exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..redact import Redactor, is_secret_name


@dataclass(frozen=True)
class Persona:
    """A user the platform knows: a name and the fields its auth provider needs."""

    name: str
    fields: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def numeric(cls, user_id: int) -> Persona:
        """shopstack's numeric user ``user_id`` (mock ``X-User-Id`` or the JWT claim)."""
        return cls(name=f"user {int(user_id)}", fields={"user_id": int(user_id)})

    @property
    def user_id(self) -> Any:
        """The ``user_id`` field, or None."""
        return self.fields.get("user_id")

    def __getitem__(self, key: str) -> Any:
        try:
            return self.fields[key]
        except KeyError:
            known = ", ".join(sorted(self.fields)) or "none"
            raise ConfigError(
                f"persona {self.name!r} has no field {key!r} (its fields: {known}) — add it "
                "under users: in the params file or to s.users.add(...)"
            ) from None

    def __repr__(self) -> str:
        shown = {k: ("***" if is_secret_name(k) else v) for k, v in self.fields.items()}
        return f"Persona({self.name!r}, {shown})"


class Personas:
    """The session's personas (``s.users``): from params, plus those added at runtime."""

    def __init__(self, declared: Mapping[str, Mapping[str, Any]], *, redactor: Redactor):
        self._redactor = redactor
        self._by_name: dict[str, Persona] = {}
        for name, fields in declared.items():
            self.add(name, **dict(fields))

    def add(self, name: str, /, **fields: Any) -> Persona:
        """Register (or replace) persona ``name``; secret-named fields are redacted from now on."""
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"s.users.add({name!r}): a persona needs a non-empty name")
        for key, value in fields.items():
            if is_secret_name(key) and isinstance(value, str):
                self._redactor.register(value)
        persona = Persona(name=name, fields=dict(fields))
        self._by_name[name] = persona
        return persona

    def __getitem__(self, name: str) -> Persona:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none declared"
            raise ConfigError(
                f"no persona {name!r} (known: {known}) — declare it under users: in the params "
                "file, or s.users.add(name, ...) after signing it up"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._by_name))

    def __len__(self) -> int:
        return len(self._by_name)

    def first(self) -> Persona | None:
        """The first declared persona (the session's default when none is named)."""
        return next(iter(self._by_name.values()), None)

    def resolve(self, who: Persona | str | int) -> Persona:
        """A persona from a name, a Persona, or a numeric user id."""
        if isinstance(who, Persona):
            return who
        if isinstance(who, bool):
            raise ConfigError(f"as_user={who!r}: expected a persona name or a user id")
        if isinstance(who, int):
            return Persona.numeric(who)
        if isinstance(who, str):
            return self[who]
        raise ConfigError(
            f"as_user={who!r}: expected a persona name, a Persona or an integer user id"
        )

    def __repr__(self) -> str:
        return f"<Personas {', '.join(self._by_name) or '(none)'}>"
