"""Column values read back the same on SQLite and PostgreSQL.

The same column comes back as different Python types depending on the database: a JSON column
is text on SQLite and already a ``dict`` / ``list`` on PostgreSQL (psycopg parses ``json`` and
``jsonb``); a timestamp is text on SQLite and a ``datetime`` on PostgreSQL. A query names the
columns it wants decoded (``json=("payload",)``, ``timestamps=("created_at",)``) and gets one
type on both, so a notebook never branches on the database. Nothing is guessed from the values:
only the named columns are touched.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Collection, Sequence
from typing import Any

from .errors import DatabaseError

#: psycopg type codes (PostgreSQL OIDs) of the column types the driver already parses as JSON.
PARSED_JSON_TYPE_CODES = frozenset({114, 3802})  # json, jsonb


def column_names(names: str | Sequence[str] | None) -> tuple[str, ...]:
    """``json="payload"`` and ``json=("payload", "items")`` alike, as a tuple."""
    if not names:
        return ()
    return (names,) if isinstance(names, str) else tuple(names)


def decode_rows(
    database: str,
    columns: list[str],
    rows: list[tuple],
    *,
    json: Sequence[str] = (),
    timestamps: Sequence[str] = (),
    parsed_json: Collection[str] = (),
) -> list[tuple]:
    """``rows`` with the ``json`` columns as Python objects and the ``timestamps`` columns as
    UTC :class:`pandas.Timestamp` (naive values are the platform's UTC). ``parsed_json`` names
    the columns the driver already parsed (PostgreSQL ``json`` / ``jsonb``): kept as they are,
    so a JSON string value stays a string instead of being parsed twice."""
    wanted = {**dict.fromkeys(json, "json"), **dict.fromkeys(timestamps, "timestamp")}
    missing = [name for name in wanted if name not in columns]
    if missing:
        raise DatabaseError(
            f"database '{database}': no column {missing[0]!r} in the result (columns: "
            f"{', '.join(columns) or 'none'}) — json= and timestamps= name columns of the SELECT"
        )
    if not wanted:
        return rows
    index = {name: columns.index(name) for name in wanted}
    decoded = []
    for number, row in enumerate(rows):
        values = list(row)
        for name, kind in wanted.items():
            at = index[name]
            if kind == "timestamp":
                values[at] = utc_timestamp(values[at])
            elif name not in parsed_json:
                values[at] = _json_value(database, name, number, values[at])
        decoded.append(tuple(values))
    return decoded


def _json_value(database: str, column: str, row: int, value: Any) -> Any:
    if not isinstance(value, str | bytes | bytearray):
        return value  # NULL, or a value the driver parsed already
    try:
        return jsonlib.loads(value)
    except ValueError as exc:
        raise DatabaseError(
            f"database '{database}': column {column!r} of row {row} is not JSON ({exc}: "
            f"{str(value)[:60]!r}) — name only JSON columns in json="
        ) from exc


def utc_timestamp(value: Any) -> Any:
    """``value`` (text, ``datetime`` or ``Timestamp``) as a UTC :class:`pandas.Timestamp`;
    a value without a zone is the platform's UTC; ``None`` / NaN become ``NaT``."""
    import pandas as pd

    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NaT
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        return stamp
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
