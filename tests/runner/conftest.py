"""Executed notebooks built in memory (no kernel): what papermill would leave behind."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from phasebook.report.results import CHECK_MIME, RESULTS_MIME, NotebookResult, read_result


def check(seq: int, test_id: str, name: str, expected, actual, status: str | None = None) -> dict:
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


def check_cell(*checks: dict) -> nbformat.NotebookNode:
    outputs = [
        new_output("display_data", data={"text/html": f"<p>{c['name']}</p>", CHECK_MIME: c})
        for c in checks
    ]
    return new_code_cell("check(...)", outputs=outputs)


def results_cell(checks: list[dict], journal: list[dict]) -> nbformat.NotebookNode:
    summary = {s: sum(c["status"] == s for c in checks) for s in ("passed", "failed", "skipped")}
    payload = {"version": 1, "checks": checks, "summary": summary, "journal": journal}
    data = {"text/plain": repr(summary), RESULTS_MIME: payload}
    return new_code_cell("s.finish()", outputs=[new_output("display_data", data=data)])


def error_cell(ename: str, evalue: str) -> nbformat.NotebookNode:
    out = new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    return new_code_cell("boom()", outputs=[out])


JOURNAL = [
    {"test_id": "3.1", "method": "GET", "path": "/api/v1/products/7", "elapsed_ms": 4.0},
    {"test_id": "3.1", "method": "GET", "path": "/api/v1/products/8?x=1", "elapsed_ms": 8.0},
    {"test_id": "3.2", "method": "POST", "path": "/api/v1/cart/items", "elapsed_ms": 12.5},
]


@pytest.fixture
def failed_nb() -> nbformat.NotebookNode:
    """03_cart: test 3.1 passes, test 3.2 has one failed check (cell 4), 3.3 is skipped."""
    c1 = check(1, "3.1", "status", 200, 200)
    c2 = check(2, "3.2", "total_price", 2599.98, 2599.97)
    c3 = check(3, "3.3", "email", None, None, status="skipped")
    return new_notebook(
        cells=[
            new_markdown_cell("## Test 3.1 — List products"),
            check_cell(c1),
            new_markdown_cell("## Test 3.2 — Add first item to cart"),
            new_code_cell("r = s.api.post(...)"),
            check_cell(c2),
            check_cell(c3),
            results_cell([c1, c2, c3], JOURNAL),
        ]
    )


@pytest.fixture
def failed_result(failed_nb) -> NotebookResult:
    error = {"cell_index": 6, "ename": "ChecksFailed", "evalue": "1 check failed"}
    return read_result(failed_nb, name="03_cart", duration_s=2.5, error=error)


@pytest.fixture
def crashed_nb() -> nbformat.NotebookNode:
    """05_crash: check 1 passed in cell 1, then KeyError in cell 2, no results."""
    return new_notebook(
        cells=[
            new_markdown_cell("## Test 5.1 — Before"),
            check_cell(check(1, "5.1", "ok", 1, 1)),
            error_cell("KeyError", "'missing'"),
            new_code_cell("s.finish()"),
        ]
    )


@pytest.fixture
def crashed_result(crashed_nb) -> NotebookResult:
    error = {"cell_index": 2, "ename": "KeyError", "evalue": "'missing'"}
    return read_result(crashed_nb, name="05_crash", duration_s=1.0, error=error)


@pytest.fixture
def passed_result() -> NotebookResult:
    c1 = check(1, "1.1", "count", 3, 3)
    nb = new_notebook(cells=[check_cell(c1), results_cell([c1], [])])
    return read_result(nb, name="01_catalog", duration_s=1.5, error=None)
