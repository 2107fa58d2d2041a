"""Run history: the trend over the runs beside this one, in index.html and `phasebook history`."""

from __future__ import annotations

import json

from phasebook.cli import main
from phasebook.report.history import (
    history_svg,
    history_table,
    key_endpoints,
    key_endpoints_of,
    read_runs,
)
from phasebook.report.run import RunInfo
from phasebook.report.scrub import Scrubber
from phasebook.report.write import write_run_report


def _write_run(outputs, name, *, started, status, duration, p95, notebooks):
    run = outputs / name
    run.mkdir(parents=True)
    document = {
        "status": status,
        "run": {"started_at": started, "duration_s": duration},
        "totals": {"passed": 10, "failed": int(status == "failed")},
        "notebooks": [{"name": n, "status": s} for n, s in notebooks.items()],
        "latency": [
            {"method": "POST", "path": "/api/v1/checkout", "count": 5, "p95_ms": p95},
            {"method": "GET", "path": "/health", "count": 1, "p95_ms": 1.0},
        ],
    }
    (run / "results.json").write_text(json.dumps(document))


def _three_runs(outputs):
    ok = {"03_cart": "passed", "05_checkout": "passed"}
    _write_run(
        outputs,
        "b-run",
        started="2026-01-02T10:00:00",
        status="passed",
        duration=80.0,
        p95=40.0,
        notebooks=ok,
    )
    _write_run(
        outputs,
        "a-run",
        started="2026-01-03T10:00:00",
        status="failed",
        duration=90.0,
        p95=55.5,
        notebooks={**ok, "05_checkout": "failed"},
    )
    _write_run(
        outputs,
        "c-run",
        started="2026-01-04T10:00:00",
        status="passed",
        duration=70.0,
        p95=38.0,
        notebooks=ok,
    )
    (outputs / "not-a-run").mkdir()
    (outputs / "broken").mkdir()
    (outputs / "broken" / "results.json").write_text("{")


def test_runs_are_read_oldest_first_by_start_time_and_broken_ones_passed_over(tmp_path):
    _three_runs(tmp_path)
    runs = read_runs(tmp_path, limit=2)
    assert [r.name for r in runs] == ["a-run", "c-run"]
    assert runs[0].notebooks["05_checkout"] == "failed"


def test_history_table_shows_status_duration_and_p95_of_key_endpoints(tmp_path):
    _three_runs(tmp_path)
    runs = read_runs(tmp_path)
    document = json.loads((tmp_path / "c-run" / "results.json").read_text())
    table = history_table(runs, key_endpoints(document, 1)).splitlines()
    assert table[0].split() == [
        "run",
        "status",
        "passed",
        "failed",
        "notebooks",
        "duration",
        "p95",
        "POST",
        "/api/v1/checkout",
    ]
    assert table[2].split()[:2] == ["a-run", "failed"] and "55.5 ms" in table[2]
    assert "(✗ 05_checkout)" in table[2]


def test_history_chart_has_one_square_per_notebook_and_run(tmp_path):
    _three_runs(tmp_path)
    svg = history_svg(read_runs(tmp_path), ["POST /api/v1/checkout"])
    assert svg.count("<rect class='pb-point'") == 2 * 3
    assert "05_checkout a-run: failed" in svg


def test_phasebook_history_prints_the_table_and_says_when_there_is_nothing(tmp_path, capsys):
    _three_runs(tmp_path)
    assert main(["history", "--outputs", str(tmp_path), "-n", "3"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["b-run", "a-run", "c-run"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["history", "--outputs", str(empty)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"phasebook: no run with a results.json under {empty} (run `phasebook run` first)"
    )


def test_a_newest_run_without_normal_traffic_keeps_the_p95_columns(tmp_path, capsys):
    """`phasebook run -k 20_load` writes no normal latency: the key endpoints come from the
    runs shown, not from the newest one alone."""
    _three_runs(tmp_path)
    load_only = tmp_path / "d-run"
    load_only.mkdir()
    document = {
        "status": "passed",
        "run": {"started_at": "2026-01-05T10:00:00", "duration_s": 50.0},
        "notebooks": [{"name": "20_load", "status": "passed"}],
        "latency": [],
    }
    (load_only / "results.json").write_text(json.dumps(document))
    assert key_endpoints_of(read_runs(tmp_path), 1) == ["POST /api/v1/checkout"]
    assert main(["history", "--outputs", str(tmp_path)]) == 0
    head, *rows = capsys.readouterr().out.splitlines()
    assert "p95 POST /api/v1/checkout" in head and "p95 GET /health" in head
    assert rows[-1].split()[0] == "d-run" and rows[-1].endswith("—")


def test_the_written_index_shows_the_trend_of_the_runs_beside_it(tmp_path, failed_result):
    """write_run_report reads the runs in its out dir's parent: status squares per notebook
    and run, the duration line and the p95 of the key endpoints, this run included."""
    _three_runs(tmp_path)
    run = RunInfo(started_at="2026-01-05T10:00:00", params_file="p.yaml", platform_url="x")
    (tmp_path / "d-run").mkdir()
    write_run_report(tmp_path / "d-run", run, [failed_result], Scrubber())
    html = (tmp_path / "d-run" / "index.html").read_text()
    assert "Trend over the last 4 runs" in html
    assert "03_cart d-run: failed" in html and "05_checkout a-run: failed" in html
    trend = html[html.index("Trend over") :]
    assert "p95 of key endpoints" in trend and "POST /api/v1/checkout" in trend
