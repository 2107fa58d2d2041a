"""Events a client publishes to the event log: their rules, checked before anything is stored.

CONTRACT.md "Event log as an event engine": a type like ``ledger.entry_added``, an aggregate
id of 1-128 characters, a JSON object payload of at most 64 KiB, an optional
``expected_sequence`` (the sequence the event must get). Domain types (``checkout.``,
``order.``, ...) belong to the platform: clients cannot forge them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from shopstack.checkout.domain.errors import CheckoutError

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
MAX_TYPE_CHARS = 128
MAX_AGGREGATE_CHARS = 128
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_BATCH = 1000
MAX_SEQUENCE = 2**63 - 1
RESERVED_PREFIXES = (
    "checkout.",
    "order.",
    "cart.",
    "payment.",
    "inventory.",
    "notification.",
    "config.",
)
_FIELDS = {"type", "aggregate_id", "payload", "expected_sequence"}


class InvalidEvent(CheckoutError):
    """A client event breaks a rule; ``code`` is ``invalid_request`` or ``reserved_event_type``."""

    def __init__(self, message: str, *, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class SequenceConflict(CheckoutError):
    """``expected_sequence`` is not the aggregate's current sequence + 1."""

    def __init__(self, aggregate_id: str, *, expected: int, current: int) -> None:
        super().__init__(
            f"sequence conflict on aggregate {aggregate_id}: expected {expected}, current {current}"
        )
        self.current = current


@dataclass(frozen=True)
class NewEvent:
    type: str
    aggregate_id: str
    payload: dict[str, Any]
    expected_sequence: int | None = None


def _event_type(raw: Any) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_TYPE_CHARS or not TYPE_PATTERN.match(raw):
        raise InvalidEvent(
            f"type must be a dotted lower-case name such as 'ledger.entry_added' "
            f"(pattern {TYPE_PATTERN.pattern}, at most {MAX_TYPE_CHARS} characters)"
        )
    if raw.startswith(RESERVED_PREFIXES):
        raise InvalidEvent(
            f"type {raw!r} is reserved for the platform's domain events "
            f"({', '.join(p + '*' for p in RESERVED_PREFIXES)}): choose another prefix",
            code="reserved_event_type",
        )
    return raw


def _aggregate_id(raw: Any) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw) <= MAX_AGGREGATE_CHARS:
        raise InvalidEvent(f"aggregate_id must be a string of 1 to {MAX_AGGREGATE_CHARS} chars")
    return raw


def _payload(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidEvent("payload must be a JSON object")
    try:  # NaN and Infinity parse in Python but are not JSON: stored, they would break a page
        size = len(json.dumps(raw, separators=(",", ":"), allow_nan=False).encode())
    except ValueError as exc:
        raise InvalidEvent("payload holds NaN or Infinity, which JSON has no numbers for") from exc
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidEvent(f"payload is {size} bytes; at most {MAX_PAYLOAD_BYTES} are allowed")
    return raw


def _expected_sequence(raw: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():  # 2.0 is an integer in JSON Schema
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_SEQUENCE:
        raise InvalidEvent(f"expected_sequence must be an integer from 1 to {MAX_SEQUENCE}")
    return raw


def parse_event(body: Any) -> NewEvent:
    """One event of a request body; InvalidEvent naming the first broken rule."""
    if not isinstance(body, dict):
        raise InvalidEvent("an event must be a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise InvalidEvent(f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(_FIELDS))}")
    if "payload" not in body:
        raise InvalidEvent("payload is required (a JSON object)")
    return NewEvent(
        type=_event_type(body.get("type")),
        aggregate_id=_aggregate_id(body.get("aggregate_id")),
        payload=_payload(body["payload"]),
        expected_sequence=_expected_sequence(body.get("expected_sequence")),
    )


def parse_batch(body: Any) -> list[NewEvent]:
    """``{"events": [...]}`` with 1..1000 events; an invalid one is named by its index."""
    if not isinstance(body, dict) or set(body) != {"events"}:
        raise InvalidEvent('a batch must be a JSON object {"events": [...]}')
    raw_events = body["events"]
    if not isinstance(raw_events, list) or not 1 <= len(raw_events) <= MAX_BATCH:
        raise InvalidEvent(f"events must be a list of 1 to {MAX_BATCH} events")
    parsed = []
    for index, raw in enumerate(raw_events):
        try:
            parsed.append(parse_event(raw))
        except InvalidEvent as exc:
            raise InvalidEvent(f"events[{index}]: {exc.message}", code=exc.code) from exc
    return parsed
