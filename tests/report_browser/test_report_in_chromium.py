"""The report of a run with a deliberate failure and a load phase, opened in headless Chromium.

What a team lead sees: index.html and a notebook's HTML render offline (no request leaves
file://, no console error), with SVG charts that hold data points, every seed-002 test in
the per-test table, the failed check's differing field highlighted, and the sequence
diagram of test 5.1 going gateway → checkout → inventory → payment. Screenshots are kept
beside the run (see conftest.py). Also: junit.xml and the console as CI reads them, and the
size of the report.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

import pytest

# One xdist worker runs them all, so the session's run is made once.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.timeout(1200),
    pytest.mark.xdist_group("report-browser"),
]

#: Every test id of seed 002 (seeds/002_fbdc4a71eccfe76f.txt, "Test 1.1" … "Test 8.1").
SEED_002 = [
    "1.1", "2.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.1", "4.2", "4.3",
    "5.1", "5.2", "6.1", "7.1", "7.2", "7.3", "8.1",
]  # fmt: skip
MAX_REPORT_BYTES = 10 * 1024 * 1024


def _offline(page) -> None:
    leaving = [u for u in page.requests if not u.startswith(("file://", "data:"))]
    assert leaving == [], f"requests left file://: {leaving}"
    assert page.console_errors == [], page.console_errors


def test_the_run_fails_on_the_deliberate_check_only(failing_run):
    assert failing_run.returncode == 1, failing_run.stderr[-3000:]
    assert "09_deliberate_failure" in failing_run.stderr
    statuses = re.findall(r"^(\d\d_\w+)\s+(✓|✗) (\w+)", failing_run.stderr, re.MULTILINE)
    failed = [name for name, _, status in statuses if status != "passed"]
    assert failed == ["09_deliberate_failure"], failing_run.stderr[-3000:]


def test_index_renders_offline_with_charts_tests_diff_and_sequence(failing_run, open_page):
    page = open_page(failing_run.out / "index.html")
    page.page.screenshot(path=str(failing_run.artifacts / "index.png"), full_page=True)
    _offline(page)
    p = page.page

    charts = p.locator("svg.pb-chart")
    assert charts.count() >= 5  # latency, exclusive latency, load (3 per run), convergence
    for index in range(charts.count()):
        assert charts.nth(index).locator(".pb-point").count() > 0, f"chart {index} has no points"
    assert p.locator("h2", has_text="Load phase: 20_load (mixed)").count() == 1

    ids = p.locator("tr.pb-test").evaluate_all("rows => rows.map(r => r.dataset.testId)")
    assert [i for i in ids if i in SEED_002] == SEED_002  # each once, in plan order
    rows = p.locator("tr.pb-test").evaluate_all(
        "rows => rows.map(r => r.dataset.testId + ' ' + r.cells[2].textContent)"
    )
    assert len(rows) == len(set(rows)), "a test id is listed twice for one notebook"

    marked = p.locator("mark.pb-diff-field")
    assert marked.evaluate_all("ms => ms.map(m => m.dataset.diffPath)") == [
        "total_price",
        "total_price",
    ]
    background = marked.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    block = p.locator("details.pb-sequence-block[data-test-id='5.1']")
    block.screenshot(path=str(failing_run.artifacts / "sequence-5.1.png"))
    calls = block.locator("g.pb-call").evaluate_all(
        "gs => gs.map(g => g.dataset.from + '->' + g.dataset.to)"
    )
    _in_order(calls, ["gateway->checkout", "checkout->inventory", "checkout->payment"])
    # Each arrow's head is the marker of its own diagram, not one in a closed <details>
    # (which Chromium does not draw: the screenshot showed lines without heads).
    heads = block.locator("g.pb-call line").evaluate_all(
        """lines => lines.map(l => {
            const id = l.getAttribute('marker-end').slice(5, -1);
            const found = document.querySelectorAll('[id="' + id + '"]');
            return found.length === 1 && l.closest('svg').contains(found[0]);
        })"""
    )
    assert heads and all(heads), heads


def _in_order(seen: list[str], wanted: list[str]) -> None:
    position = 0
    for arrow in seen:
        if position < len(wanted) and arrow == wanted[position]:
            position += 1
    assert position == len(wanted), f"{wanted} not in order in {seen}"


def test_notebook_html_renders_offline_with_the_diff(failing_run, open_page):
    page = open_page(failing_run.out / "09_deliberate_failure.html")
    page.page.screenshot(
        path=str(failing_run.artifacts / "09_deliberate_failure.png"), full_page=True
    )
    _offline(page)
    marked = page.page.locator("mark.pb-diff-field")
    assert marked.evaluate_all("ms => ms.map(m => m.dataset.diffPath)") == [
        "total_price",
        "total_price",
    ]


def test_checkout_notebook_html_shows_the_sequence_diagram_of_5_1(failing_run, open_page):
    page = open_page(failing_run.out / "05_checkout.html")
    _offline(page)
    images = page.page.locator("img[src^='data:image/svg+xml;base64,']").evaluate_all(
        "imgs => imgs.map(i => i.getAttribute('src'))"
    )
    diagrams = [base64.b64decode(src.split(",", 1)[1]).decode() for src in images]
    [checkout] = [d for d in diagrams if "Test 5.1:" in d]
    calls = re.findall(r"class='pb-message pb-call' data-from='(\w+)' data-to='(\w+)'", checkout)
    _in_order(
        [f"{a}->{b}" for a, b in calls],
        ["notebook->gateway", "gateway->checkout", "checkout->inventory", "checkout->payment"],
    )
    figure = page.page.locator("img[src^='data:image/svg+xml;base64,']").last
    figure.scroll_into_view_if_needed()
    page.page.screenshot(path=str(failing_run.artifacts / "05_checkout-sequence.png"))


def test_junit_has_a_time_per_test_and_names_each_failed_check_once(failing_run):
    root = ET.parse(failing_run.out / "junit.xml").getroot()
    cases = [c for c in root.iter("testcase") if c.get("name") != "notebook"]
    assert len(cases) >= len(SEED_002)
    zero = [f"{c.get('classname')} {c.get('name')}" for c in cases if float(c.get("time")) <= 0]
    assert zero == []
    [failure] = list(root.iter("failure"))
    message = failure.get("message")
    assert message == "cart totals: total_price: expected 59.99, got 59.98"
    assert failure.text.count("cart totals") == 1


def test_console_lists_the_failed_check_on_one_line(failing_run):
    lines = failing_run.stdout.splitlines()
    assert (
        "  09_deliberate_failure D.1 cart totals: total_price: expected 59.99, got 59.98" in lines
    )


def test_the_whole_report_stays_under_10_mb(failing_run):
    total = sum(failing_run.sizes.values())
    (failing_run.artifacts / "sizes.txt").write_text(
        "\n".join(f"{size:>10} {name}" for name, size in sorted(failing_run.sizes.items()))
        + f"\n{total:>10} total, run {failing_run.seconds:.0f} s\n"
    )
    assert 0 < total < MAX_REPORT_BYTES
