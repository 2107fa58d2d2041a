"""Mailpit's chaos triggers: make SMTP commands fail on purpose, with a chosen code and chance.

The same model and names as Mailpit (``Sender``, ``Recipient``, ``Authentication``, each
``{"ErrorCode": 400-599, "Probability": 0-100}``), so a notebook that drives chaos here works
against a real Mailpit started with ``--enable-chaos``. Setting the triggers replaces all three:
one left out goes back to its default (probability 0, i.e. off).
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass

from pydantic import BaseModel, ConfigDict, Field

TRIGGERS = ("Sender", "Recipient", "Authentication")
DEFAULT_CODES = {"Sender": 451, "Recipient": 451, "Authentication": 535}


class TriggerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ErrorCode: int = Field(default=0, ge=0, le=599)  # noqa: N815 (Mailpit's field names)
    Probability: int = Field(default=0, ge=0, le=100)  # noqa: N815


class TriggersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    Sender: TriggerIn | None = None  # noqa: N815
    Recipient: TriggerIn | None = None  # noqa: N815
    Authentication: TriggerIn | None = None  # noqa: N815


@dataclass(frozen=True)
class Trigger:
    ErrorCode: int  # noqa: N815
    Probability: int  # noqa: N815


class InvalidTrigger(ValueError):
    """A trigger whose error code is not an SMTP error (400-599)."""


def _trigger(name: str, given: TriggerIn | None) -> Trigger:
    if given is None:
        return Trigger(DEFAULT_CODES[name], 0)
    code = given.ErrorCode or DEFAULT_CODES[name]
    if not 400 <= code <= 599:
        raise InvalidTrigger(f"{name}.ErrorCode must be between 400 and 599, got {code}")
    return Trigger(code, given.Probability)


class Chaos:
    """The current triggers, shared by the SMTP thread and the HTTP API."""

    def __init__(self, chance: random.Random | None = None) -> None:
        self._lock = threading.Lock()
        self._chance = chance or random.SystemRandom()
        self._triggers = {name: Trigger(DEFAULT_CODES[name], 0) for name in TRIGGERS}

    def set(self, triggers: TriggersIn) -> dict[str, dict[str, int]]:
        """Replace every trigger (InvalidTrigger names the bad one; nothing changes then)."""
        new = {name: _trigger(name, getattr(triggers, name)) for name in TRIGGERS}
        with self._lock:
            self._triggers = new
        return self.describe()

    def describe(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {name: asdict(trigger) for name, trigger in self._triggers.items()}

    def fires(self, name: str) -> int | None:
        """The error code to answer with when ``name``'s trigger fires this time, else None."""
        with self._lock:
            trigger = self._triggers[name]
        if trigger.Probability and self._chance.randrange(100) < trigger.Probability:
            return trigger.ErrorCode
        return None
