"""A timeline: entries from many sources (requests, rows, events, emails, logs) in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..display import escape, shorten

UTC = dt.UTC


@dataclass(frozen=True)
class Entry:
    """One thing that happened: when (UTC), where it was seen, and what it was."""

    at: dt.datetime
    source: str  # "request", "db:checkout.outbox_events", "event", "email", "log:cart", ...
    kind: str  # a short machine name: request, session, transition, outbox, order, email, ...
    what: str
    detail: Any = field(default=None, compare=False)


@dataclass
class Timeline:
    """What a trace found, sorted by time, and the sources it could not read (with why)."""

    subject: str
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.entries.sort(key=lambda entry: entry.at)

    def kinds(self) -> list[str]:
        return [entry.kind for entry in self.entries]

    def first(self, kind: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.kind == kind), None)

    def to_frame(self):
        """One row per entry: at (UTC), +ms since the first entry, source, kind, what."""
        import pandas as pd

        start = self.entries[0].at if self.entries else None
        rows = [
            {
                "at": entry.at,
                "+ms": round((entry.at - start).total_seconds() * 1000, 1) if start else 0.0,
                "source": entry.source,
                "kind": entry.kind,
                "what": entry.what,
            }
            for entry in self.entries
        ]
        return pd.DataFrame(rows, columns=["at", "+ms", "source", "kind", "what"])

    def _repr_html_(self) -> str:
        start = self.entries[0].at if self.entries else None
        rows = "".join(
            "<tr>"
            f"<td><code>{entry.at.strftime('%H:%M:%S.%f')[:-3]}</code></td>"
            f"<td style='text-align:right'>+{(entry.at - start).total_seconds() * 1000:.0f} ms</td>"
            f"<td>{escape(entry.source)}</td><td>{escape(shorten(entry.what, 160))}</td></tr>"
            for entry in self.entries
        )
        notes = "".join(f"<li>{escape(note)}</li>" for note in self.notes)
        return (
            f"<div class='phasebook-trace'><b>Trace of {escape(self.subject)}</b> "
            f"({len(self.entries)} entries, UTC)"
            "<table><tr><th>at</th><th></th><th>source</th><th>what</th></tr>"
            f"{rows}</table>{f'<ul style=color:#6e7781>{notes}</ul>' if notes else ''}</div>"
        )

    def __repr__(self) -> str:
        lines = [f"Trace of {self.subject}: {len(self.entries)} entries"]
        lines += [f"{e.at:%H:%M:%S.%f} {e.source:<28} {shorten(e.what, 100)}" for e in self.entries]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def to_utc(value: Any, *, naive_is_local: bool = False) -> dt.datetime | None:
    """A timezone-aware UTC datetime from epoch seconds, a datetime or an ISO/SQL string.

    Naive values are UTC (shopstack stores UTC) unless ``naive_is_local`` (log lines).
    Returns None for anything unreadable.
    """
    try:
        return _to_utc(value, naive_is_local)
    except (ValueError, TypeError, OverflowError, OSError):
        return None  # NaN, NaT, out-of-range epochs


def _to_utc(value: Any, naive_is_local: bool) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), tz=UTC)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace(",", "."))
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:
        value = value.astimezone() if naive_is_local else value.replace(tzinfo=UTC)
    return dt.datetime.fromtimestamp(value.timestamp(), tz=UTC)
