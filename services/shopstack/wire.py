"""How values cross the wire: money as a two-decimal JSON number, times as RFC 3339 UTC.

Databases store naive UTC datetimes (portable between SQLite and PostgreSQL); this module is
the one place that turns them, and ``Decimal`` amounts, into the JSON the contract pins.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every shopstack table stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def rfc3339(moment: datetime | None) -> str | None:
    """``2026-02-03T10:30:00.123Z`` for a naive-UTC or aware datetime; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def to_decimal(value: object) -> Decimal:
    """An amount as Decimal rounded to cents (from str, int, float or Decimal)."""
    return Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)


def money(value: object) -> float:
    """A JSON number with two decimals: ``2599.98``, never ``2599.9800000000001``."""
    return float(to_decimal(value))
