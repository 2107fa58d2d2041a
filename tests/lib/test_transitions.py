"""Status transitions from streamed events and from database rows, and their chart."""

from __future__ import annotations

import json

import pandas as pd
from phasebook.transitions import CHECKOUT_LIFECYCLE, plot_transitions, status_transitions


def streamed_events():
    steps = [None, *CHECKOUT_LIFECYCLE]
    events = [
        {
            "id": i + 1,
            "type": "checkout.status_changed",
            "payload": {"from": steps[i], "to": steps[i + 1]},
            "created_at": f"2026-12-01T10:00:00.{100 * i:03d}Z",
            "received_at": f"2026-12-01T10:00:00.{100 * i + 5:03d}+00:00",
        }
        for i in range(5)
    ]
    events.append({"id": 6, "type": "checkout.completed", "payload": {}, "created_at": "x"})
    return list(reversed(events))


def test_streamed_status_changes_become_ordered_transitions_with_ms_since_the_first():
    frame = status_transitions(streamed_events())
    assert frame["to"].tolist() == list(CHECKOUT_LIFECYCLE)
    assert frame["from"].isna().iloc[0] and frame["from"].iloc[1] == "INITIATED"
    assert frame["ms"].tolist() == [0.0, 100.0, 200.0, 300.0, 400.0]
    assert (frame["received_at"] - frame["created_at"]).dt.total_seconds().round(3).eq(0.005).all()


def test_database_rows_with_json_text_and_naive_times_read_as_utc():
    rows = pd.DataFrame(
        {
            "id": [1, 2],
            "event_type": ["checkout.status_changed"] * 2,
            "payload": [json.dumps({"from": None, "to": "INITIATED"}), {"to": "COMPLETED"}],
            "created_at": ["2026-12-01 10:00:00.000", "2026-12-01 10:00:00.250"],
        }
    )
    frame = status_transitions(rows)
    assert frame["to"].tolist() == ["INITIATED", "COMPLETED"]
    assert str(frame["created_at"].dt.tz) == "UTC" and frame["received_at"].isna().all()
    assert frame["ms"].tolist() == [0.0, 250.0]


def test_the_chart_has_one_level_per_status_in_lifecycle_order():
    streamed = status_transitions(streamed_events())
    fig = plot_transitions(streamed, streamed.assign(received_at=pd.NaT))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == list(CHECKOUT_LIFECYCLE)
    assert len(fig.axes[0].get_legend().get_texts()) == 3
