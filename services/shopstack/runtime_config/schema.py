"""The runtime settings, their defaults and their rules.

A change (``PATCH /api/v1/admin/config``) names only the keys it changes; an unknown key or a
value out of range is refused whole with a 400 naming the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopstack.errors import ShopError
from shopstack.settings import Settings


class InvalidConfig(ShopError):
    def __init__(self, detail: str) -> None:
        super().__init__(400, "invalid_request", f"invalid request body: {detail}")


def _number(low: float, high: float | None) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return low <= value and (high is None or value <= high)

    return check


def _integer(low: int, high: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if isinstance(value, float) and value.is_integer():  # JSON Schema: 1118.0 is an integer
            value = int(value)
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    return check


@dataclass(frozen=True)
class Rule:
    check: Callable[[Any], bool]
    expected: str
    json_schema: dict[str, Any]


RULES: dict[str, Rule] = {
    "payment.failure_rate": Rule(
        _number(0, 1), "a number from 0 to 1", {"type": "number", "minimum": 0, "maximum": 1}
    ),
    "payment.latency_ms": Rule(
        _integer(0, 5000),
        "an integer from 0 to 5000",
        {"type": "integer", "minimum": 0, "maximum": 5000},
    ),
    "inventory.reservation_ttl_s": Rule(
        _number(1, 86_400),
        "a number from 1 to 86400",
        {"type": "number", "minimum": 1, "maximum": 86_400},
    ),
    "notifications.enabled": Rule(
        lambda value: isinstance(value, bool), "true or false", {"type": "boolean"}
    ),
}


def change_json_schema() -> dict[str, Any]:
    """The JSON Schema of a PATCH body, for the OpenAPI document."""
    settings = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {key: rule.json_schema for key, rule in RULES.items()},
    }
    return {
        "type": "object",
        "required": ["settings"],
        "additionalProperties": False,
        "properties": {"settings": settings},
        "example": {"settings": {"payment.failure_rate": 0.5}},
    }


def defaults(settings: Settings) -> dict[str, Any]:
    """Version 0: what the processes were started with (environment variables)."""
    return {
        "payment.failure_rate": settings.payment_failure_rate,
        "payment.latency_ms": 0,
        "inventory.reservation_ttl_s": settings.reservation_ttl_s,
        "notifications.enabled": True,
    }


def validate_change(body: Any) -> dict[str, Any]:
    """The changes of a PATCH body ``{"settings": {...}}``; InvalidConfig naming the key."""
    if not isinstance(body, dict) or set(body) != {"settings"}:
        raise InvalidConfig('expected {"settings": {"<key>": <value>, ...}}')
    changes = body["settings"]
    if not isinstance(changes, dict) or not changes:
        raise InvalidConfig("field 'settings': must be a non-empty object")
    for key, value in changes.items():
        rule = RULES.get(key)
        if rule is None:
            known = ", ".join(sorted(RULES))
            raise InvalidConfig(f"unknown setting '{key}' (known: {known})")
        if not rule.check(value):
            raise InvalidConfig(f"setting '{key}' must be {rule.expected}, got {value!r}")
    return {key: _normalised(key, value) for key, value in changes.items()}


def _normalised(key: str, value: Any) -> Any:
    if RULES[key].json_schema["type"] == "integer":
        return int(value)
    return value
