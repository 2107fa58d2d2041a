"""A checkout's status transitions as a table and a timeline chart.

    streamed = status_transitions(stream.events)                 # from s.events.subscribe(...)
    logged = status_transitions(s.db["checkout"].query(EVENTS_SQL, c=checkout_id))
    plot_transitions(streamed, logged)

Both sources carry ``checkout.status_changed`` events (``payload.from`` → ``payload.to``) with
the platform's ``created_at``; streamed events also carry ``received_at`` (when the WebSocket
delivered them, see stream.py). Times without a zone are the platform's UTC.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .decode import utc_timestamp

STATUS_CHANGED = "checkout.status_changed"
CHECKOUT_LIFECYCLE = (
    "INITIATED",
    "INVENTORY_RESERVED",
    "PAYMENT_PENDING",
    "PAYMENT_COMPLETED",
    "COMPLETED",
)
#: The checkout's transitions in the checkout database's event log (``:c`` = checkout id).
EVENTS_SQL = (
    "SELECT id, event_type, payload, created_at FROM events "
    "WHERE aggregate_id = :c AND event_type = 'checkout.status_changed' ORDER BY id"
)
COLUMNS = ["id", "from", "to", "created_at", "received_at", "ms"]


def status_transitions(events: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """One row per status change, in id order: id, from, to, created_at, received_at (UTC
    timestamps; received_at NaT for events read from the database), ms since the first."""
    records = events.to_dict("records") if isinstance(events, pd.DataFrame) else list(events)
    rows = []
    for event in records:
        if (event.get("event_type") or event.get("type")) != STATUS_CHANGED:
            continue
        payload = event["payload"]
        payload = json.loads(payload) if isinstance(payload, str) else payload
        rows.append(
            {
                "id": int(event["id"]),
                "from": payload.get("from"),
                "to": payload.get("to"),
                "created_at": utc_timestamp(event.get("created_at")),
                "received_at": utc_timestamp(event.get("received_at")),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS[:-1]).sort_values("id", ignore_index=True)
    start = frame["created_at"].min()
    frame["ms"] = ((frame["created_at"] - start).dt.total_seconds() * 1000).round(1)
    return frame


def plot_transitions(streamed: pd.DataFrame, logged: pd.DataFrame | None = None) -> Any:
    """The lifecycle as steps over time (ms since the first transition): when the platform
    recorded each status, when the WebSocket delivered it, and the database's record."""
    import matplotlib.pyplot as plt

    order = list(CHECKOUT_LIFECYCLE) + sorted(set(streamed["to"]) - set(CHECKOUT_LIFECYCLE))
    level = {status: index for index, status in enumerate(order)}
    start = streamed["created_at"].min()

    def ms(column: pd.Series) -> pd.Series:
        return (column - start).dt.total_seconds() * 1000

    fig, ax = plt.subplots(figsize=(9, 3.2))
    y = streamed["to"].map(level)
    ax.step(ms(streamed["created_at"]), y, where="post", label="event created_at (stream)")
    if streamed["received_at"].notna().any():
        ax.plot(ms(streamed["received_at"]), y, "o", label="received on the WebSocket")
    if logged is not None and not logged.empty:
        ax.plot(ms(logged["created_at"]), logged["to"].map(level), "x", ms=9, label="database row")
    ax.set_yticks(range(len(order)), order)
    ax.set_xlabel("ms since INITIATED")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value
    return fig
