"""index.html: per-test table, diffs of failed JSON, charts, exclusive traffic, skipped-only
notebooks, load figures and sequence diagrams, from executed notebooks built in memory."""

from __future__ import annotations

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from offline import external_references
from phasebook.display import CHECK_MIME, LOAD_MIME, RESULTS_MIME, SEQUENCE_MIME
from phasebook.report.charts import LABEL_CHARS, Bars, hbar_chart
from phasebook.report.index_html import index_html
from phasebook.report.results import read_result
from phasebook.report.run import RunInfo

RUN = RunInfo(started_at="2026-01-02T03:04:05+00:00", params_file="p.yaml", platform_url="http://x")
JOURNAL = [{"test_id": "9.1", "method": "GET", "path": "/api/v1/cart", "elapsed_ms": 3.0}]


def check(seq, test_id, name, expected, actual, status=None):
    status = status or ("passed" if expected == actual else "failed")
    return {
        "seq": seq,
        "test_id": test_id,
        "name": name,
        "status": status,
        "expected": expected,
        "actual": actual,
        "message": f"{name} == {expected!r}",
    }


def check_cell(*checks):
    outputs = [new_output("display_data", data={CHECK_MIME: c}) for c in checks]
    return new_code_cell("check(...)", outputs=outputs)


def results_cell(checks, journal):
    summary = {s: sum(c["status"] == s for c in checks) for s in ("passed", "failed", "skipped")}
    payload = {"version": 1, "checks": checks, "summary": summary, "journal": journal}
    return new_code_cell(
        "s.finish()", outputs=[new_output("display_data", data={RESULTS_MIME: payload})]
    )


def _nb(checks, *, journal=JOURNAL, tests=None, exclusive=False, extra=()):
    cell = results_cell(checks, journal)
    if tests is not None:
        cell.outputs[0]["data"][RESULTS_MIME]["tests"] = tests
    nb = new_notebook(cells=[check_cell(*checks), *extra, cell])
    nb.metadata["phasebook"] = {"exclusive": exclusive}
    return nb


def _read(nb, name):
    return read_result(nb, name=name, duration_s=1.0, error=None)


def test_per_test_table_lists_each_test_once_with_title_status_duration_and_cell():
    checks = [check(1, "5.1", "a", 1, 1), check(2, "5.1", "b", 2, 2), check(3, "5.2", "c", 1, 1)]
    tests = [
        {
            "id": "5.1",
            "title": "Checkout happy path",
            "xfail": None,
            "status": "passed",
            "started_at": 100.0,
            "ended_at": 101.25,
        },
        {
            "id": "5.2",
            "title": "Cart cleared",
            "xfail": "known race",
            "status": "xfail",
            "started_at": 101.25,
            "ended_at": 101.5,
        },
    ]
    html = index_html(RUN, [_read(_nb(checks, tests=tests), "05_checkout")])
    rows = re.findall(r'<tr class="pb-test" data-test-id="([^"]+)" data-status="([^"]+)">', html)
    assert rows == [("5.1", "passed"), ("5.2", "xfail")]
    assert "Checkout happy path" in html and "1.25 s" in html and "xfail: known race" in html
    assert 'href="05_checkout.html#cell-0"' in html


def test_a_failed_json_check_is_shown_as_a_diff_with_the_differing_field_marked():
    expected = {"status": "COMPLETED", "total": 2599.98, "items": [{"id": 1}]}
    actual = {"status": "COMPLETED", "total": 2599.99, "items": [{"id": 1}]}
    html = index_html(RUN, [_read(_nb([check(1, "5.1", "checkout", expected, actual)]), "05_c")])
    marked = re.findall(r"data-diff-path='([^']+)'", html)
    assert marked == ["total", "total"]  # expected side and actual side, nothing else
    assert "total: expected 2599.98, got 2599.99" in html


def test_exclusive_notebooks_traffic_is_kept_out_of_the_normal_latency_table():
    slow = [{"test_id": "O.1", "method": "POST", "path": "/api/v1/checkout", "elapsed_ms": 12457}]
    normal = _read(_nb([check(1, "9.1", "a", 1, 1)]), "03_cart")
    outage = _read(_nb([check(1, "O.1", "a", 1, 1)], journal=slow, exclusive=True), "11_outage")
    html = index_html(RUN, [normal, outage])
    main, _, rest = html.partition("Exclusive notebooks: faults and load")
    assert "12457" not in main and "12457" in rest
    assert "<code>/api/v1/cart</code>" in main


def test_a_notebook_whose_checks_all_skipped_is_shown_as_skipped():
    skipped = [
        check(1, "O.4", "x", None, None, "skipped"),
        check(2, "O.4", "y", None, None, "skipped"),
    ]
    html = index_html(RUN, [_read(_nb(skipped), "11_outage")])
    assert '<span class="badge skipped">– skipped</span>' in html
    assert html.count('<span class="badge passed">') == 1  # the run's header: exit code 0
    assert (
        html.count("<strong>O.4</strong>") == 2
    )  # the test table and the skipped table, once each


def test_charts_are_inline_svg_with_points_and_the_page_has_no_external_reference():
    load = {
        "label": "mixed",
        "requests": 300,
        "error_rate_pct": 0.5,
        "figures": {"requests_per_s": 25.0, "p95_ms": 75.0, "peak_users": 10},
        "endpoints": [],
        "history_fields": ["t", "users", "rps", "p95", "failures_per_s"],
        "history": [[0, 2, 5.0, 20.0, 0.0], [1, 6, 15.0, 40.0, 0.0], [2, 10, 25.0, 75.0, 1.0]],
    }
    extra = [new_code_cell("run", outputs=[new_output("display_data", data={LOAD_MIME: load})])]
    nb = _nb([check(1, "L.1", "a", 1, 1)], extra=extra, exclusive=True)
    nb.cells[-1].outputs[0]["data"][RESULTS_MIME]["timings"] = {"5.2 cart cleared": 0.21}
    html = index_html(RUN, [_read(nb, "20_load")])
    assert "Load phase: 20_load (mixed)" in html and "<b>300</b>" in html
    assert html.count("<circle class='pb-point'") == 3 * 2 + 3 + 3  # rps+failures, p95, users
    assert "Convergence times" in html and "20_load: 5.2 cart cleared seconds: 0.21 s" in html
    assert external_references(html) == []


def test_sequence_diagrams_from_the_notebook_are_drawn_as_svg():
    payload = {
        "test_id": "5.1",
        "messages": [
            {
                "source": "notebook",
                "target": "gateway",
                "label": "POST /api/v1/checkout",
                "kind": "call",
            },
            {"source": "gateway", "target": "checkout", "label": "POST /checkout", "kind": "call"},
        ],
        "mermaid": "sequenceDiagram",
    }
    extra = [
        new_code_cell(
            "s.finish()", outputs=[new_output("display_data", data={SEQUENCE_MIME: payload})]
        )
    ]
    html = index_html(RUN, [_read(_nb([check(1, "5.1", "a", 1, 1)], extra=extra), "05_checkout")])
    assert re.findall(r"data-from='(\w+)' data-to='(\w+)'", html) == [
        ("notebook", "gateway"),
        ("gateway", "checkout"),
    ]


def test_titles_without_a_tests_list_come_from_lettered_headings():
    nb = _nb([check(1, "L.1", "a", 1, 1)])
    nb.cells.insert(0, new_markdown_cell("### Test L.1 — Checkout p95 < 2000 ms"))
    [test] = _read(nb, "20_load").tests
    assert test.title == "Checkout p95 < 2000 ms"


def test_each_sequence_diagram_on_the_page_points_its_arrows_at_its_own_arrowhead():
    """url(#id) takes the page's first element with that id; a shared id made every arrow
    use the marker of the first diagram, inside a closed <details>: no arrowheads drawn."""

    def diagram(test_id):
        payload = {
            "test_id": test_id,
            "messages": [
                {"source": "notebook", "target": "gateway", "label": "GET /x", "kind": "call"}
            ],
            "mermaid": "sequenceDiagram",
        }
        return new_code_cell(
            "s.finish()", outputs=[new_output("display_data", data={SEQUENCE_MIME: payload})]
        )

    checks = [check(1, "5.1", "a", 1, 1), check(2, "5.2", "b", 1, 1)]
    nb = _nb(checks, extra=[diagram("5.1"), diagram("5.2")])
    html = index_html(RUN, [_read(nb, "05_checkout")])
    svgs = re.findall(r"<svg class='pb-sequence'.*?</svg>", html, re.DOTALL)
    assert len(svgs) == 2
    ids = [re.findall(r"<marker id='([^']+)'", svg) for svg in svgs]
    assert len({i for found in ids for i in found}) == 2, ids
    for svg, [own] in zip(svgs, ids, strict=True):
        assert set(re.findall(r"marker-end='url\(#([^)]+)\)'", svg)) == {own}


def test_a_long_bar_label_is_cut_to_fit_left_of_the_bars_and_kept_whole_in_its_title():
    label = "11_dependency_outage: O.3 checkout completes after the restart"
    svg = hbar_chart([Bars(label, [1.0])], ["seconds"], unit=" s", title="t")
    [shown] = re.findall(r"text-anchor='end'>([^<]*)</text>", svg)
    assert (
        len(shown) <= LABEL_CHARS and shown.startswith("11_dependency_outage") and shown[-1] == "…"
    )
    assert f"<title>{label} seconds: 1 s</title>" in svg


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (50, [0, 10, 20, 30, 40, 50]),
        (815, [0, 200, 400, 600, 800, 1000]),
        (0.0625, [0, 0.02, 0.04, 0.06, 0.08]),
        (0, [0, 1]),
    ],
)
def test_axes_tick_at_round_values(peak, ticks):
    from phasebook.report.charts import _axis

    assert _axis(peak) == pytest.approx(ticks)


def test_a_trend_over_runs_ticks_whole_run_numbers_and_its_unit_once():
    from phasebook.report.charts import line_chart

    svg = line_chart(
        {"run duration": [(0, 134.6), (1, 52.0), (2, 139.9)]}, title="t", x_unit="run #", y_unit="s"
    )
    labels = re.findall(r">([^<>]+)</text>", svg)
    assert {"1", "2"} <= set(labels) and not {"0.5", "1.5"} & set(labels)  # x: runs
    assert labels.count("0") == 2  # the x axis's first run and the y axis's zero
    assert "150 s" in labels and labels.count("s") == 0
