"""Database reads for the explorer that never fail it: a missing database, table or column
becomes a note (what could not be read, and why) and no rows."""

from __future__ import annotations

from typing import Any

from ..errors import PhasebookError


def has_database(session: Any, *databases: str) -> bool:
    return any(name in session.db for name in databases)


def rows(
    session: Any, database: str, sql: str, *, notes: list[str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    if database not in session.db or any(v is None for v in params.values()):
        if notes is not None and database not in session.db:
            note_once(notes, f"database {database!r}: not in the params (skipped)")
        return []
    try:
        frame = session.db[database].query(sql, **params)
    except PhasebookError as exc:
        if notes is not None:
            note_once(notes, str(exc))
        return []
    return frame.to_dict("records")


def first_row(session: Any, database: str, sql: str, **params: Any) -> dict[str, Any] | None:
    found = rows(session, database, sql, **params)
    return found[0] if found else None


def note_once(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
