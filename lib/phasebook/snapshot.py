"""Snapshots of query results and the diff between two of them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from . import compare
from .display import escape
from .errors import DatabaseError


@dataclass
class Snapshot:
    """The rows of one query at one moment."""

    database: str
    sql: str
    frame: Any  # pandas.DataFrame
    key: str | list[str] | None = None
    taken_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __repr__(self) -> str:
        rows = len(self.frame)
        table = self.frame.to_string(index=False) if rows else "(no rows)"
        return f"<Snapshot of {self.database}: {rows} row{'' if rows == 1 else 's'}>\n{table}"

    def _repr_html_(self) -> str:
        title = f"<b>{escape(self.database)}</b> <code>{escape(self.sql)}</code>"
        return f"<div>{title}{self.frame._repr_html_()}</div>"


@dataclass
class Diff:
    """Rows added, removed and changed between two snapshots.

    ``changed`` has one row per changed cell: the key column(s), ``column``, ``from``, ``to``.
    """

    key: list[str]
    added: Any
    removed: Any
    changed: Any

    @property
    def empty(self) -> bool:
        return self.added.empty and self.removed.empty and self.changed.empty

    def change(self, key: Any, column: str) -> tuple[Any, Any] | None:
        """``(from, to)`` of ``column`` in the row with ``key``, or None when it did not change."""
        wanted = tuple(key) if isinstance(key, list | tuple) else (key,)
        for row in self.changed.to_dict("records"):
            row_key = tuple(row[k] for k in self.key)
            if row["column"] == column and all(map(compare.equal, row_key, wanted)):
                return row["from"], row["to"]
        return None

    def describe(self) -> str:
        if self.empty:
            return "no changes"
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.changed)} changed values"
        )

    def __repr__(self) -> str:
        lines = [f"<Diff {self.describe()}>"]
        for row in self.changed.to_dict("records"):
            key = ", ".join(str(row[k]) for k in self.key)
            lines.append(f"  {row['column']}[{key}]: {row['from']!r} → {row['to']!r}")
        for title, frame in (("added", self.added), ("removed", self.removed)):
            if not frame.empty:
                lines.append(f"  {title}:\n{frame.to_string(index=False)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<div class='phasebook-diff'><b>diff</b>: {escape(self.describe())}"]
        for title, frame in (("added", self.added), ("removed", self.removed)):
            if not frame.empty:
                parts.append(f"<div>{title}</div>{frame._repr_html_()}")
        if not self.changed.empty:
            parts.append(f"<div>changed</div>{self.changed._repr_html_()}")
        return "".join(parts) + "</div>"


def diff(before: Snapshot, after: Snapshot, *, key: str | list[str] | None = None) -> Diff:
    """Compare two snapshots row by row, matching rows on ``key`` (default: first column)."""
    import pandas as pd

    keys = _keys(key or after.key or before.key, before.frame)
    old, new = _by_key(before, keys), _by_key(after, keys)
    added = [row for k, row in new.items() if k not in old]
    removed = [row for k, row in old.items() if k not in new]
    changes = []
    for k, row in new.items():
        if k in old:
            changes += _changed_cells(keys, old[k], row)
    return Diff(
        key=keys,
        added=pd.DataFrame(added, columns=list(after.frame.columns)),
        removed=pd.DataFrame(removed, columns=list(before.frame.columns)),
        changed=pd.DataFrame(changes, columns=[*keys, "column", "from", "to"]),
    )


def _keys(key: str | list[str] | None, frame: Any) -> list[str]:
    if key is None:
        if frame.columns.empty:
            raise DatabaseError("cannot diff snapshots without columns — give key=...")
        return [str(frame.columns[0])]
    return [key] if isinstance(key, str) else list(key)


def _by_key(snapshot: Snapshot, keys: list[str]) -> dict[tuple, dict]:
    missing = [k for k in keys if k not in snapshot.frame.columns]
    if missing:
        raise DatabaseError(
            f"snapshot of {snapshot.database!r} has no column {missing[0]!r} to match rows on "
            f"(columns: {', '.join(map(str, snapshot.frame.columns))}) — pass key=..."
        )
    rows: dict[tuple, dict] = {}
    for record in snapshot.frame.to_dict("records"):
        row_key = tuple(record[k] for k in keys)
        if row_key in rows:
            raise DatabaseError(
                f"snapshot of {snapshot.database!r}: key {keys} is not unique ({row_key!r} "
                "appears twice) — pass a key that identifies one row"
            )
        rows[row_key] = record
    return rows


def _changed_cells(keys: list[str], old: dict, new: dict) -> list[dict]:
    cells = []
    for column in new:
        if column in keys:
            continue
        before, after = old.get(column), new[column]
        if _missing(before) and _missing(after):
            continue
        if not compare.equal(after, before):
            cells.append(
                {**{k: new[k] for k in keys}, "column": column, "from": before, "to": after}
            )
    return cells


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
