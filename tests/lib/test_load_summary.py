"""The load run's payload for the report: figures, endpoints and a bounded history."""

from __future__ import annotations

import json
from pathlib import Path

from phasebook.display import LOAD_MIME
from phasebook.load import LoadRun, Stages
from phasebook.load.stats import read_failures, read_history, read_stats
from phasebook.load.summary import MAX_POINTS, load_summary, show_summary

PREFIX = Path(__file__).with_name("load_fixtures") / "run"


def _run() -> LoadRun:
    return LoadRun(
        stages=Stages(4, 2.0, 6.0, 2.0, 2.0),
        prefix=PREFIX,
        endpoints=read_stats(PREFIX),
        history=read_history(PREFIX),
        failures=read_failures(PREFIX),
    )


def test_summary_holds_headline_figures_and_the_aggregated_history_as_plain_json():
    summary = load_summary(_run(), "mixed")
    assert summary["requests"] == 300
    assert summary["figures"]["checkout_p95_ms"] == 290.0
    assert summary["figures"]["peak_users"] == 10
    assert 2 <= len(summary["history"]) <= MAX_POINTS
    assert summary["history_fields"] == ["t", "users", "rps", "p95", "failures_per_s"]
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary


def test_show_summary_displays_one_line_and_the_payload(capsys):
    show_summary(_run(), "mixed")
    out = capsys.readouterr().out
    assert out.startswith("Locust mixed run: 300 requests, 0.67 % errors")
    assert LOAD_MIME == "application/vnd.phasebook.load+json"
