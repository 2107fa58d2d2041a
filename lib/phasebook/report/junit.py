"""JUnit XML: one ``<testsuite>`` per notebook, one ``<testcase>`` per plan test id.

``classname`` is the notebook, ``name`` the test id and title, ``time`` the test's duration.
A test id whose checks include a failure gets ``<failure>``: its message lists each failed
check once (``name: expected X, got Y``), its text adds the cell and, for JSON values, the
differing fields. A test whose checks were all skipped, or an expected failure (xfail), gets
``<skipped>``; an unexpected pass (xpass) passes with a ``<system-out>`` note. A notebook that
crashed (no results) or broke after them gets an extra ``<testcase name="notebook">`` with
``<error>``. Counts on every suite and on the root follow the JUnit schema CI tools read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from phasebook.diffview import diff_text, failure_summary, is_structured, show
from phasebook.report.results import NotebookResult, PlanTest

ROOT_NAME = "phasebook"
_NOT_XML = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f]")


def junit_xml(results: Sequence[NotebookResult], *, timestamp: str) -> str:
    """The JUnit XML document of a run."""
    root = ET.Element("testsuites", name=ROOT_NAME)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for result in results:
        suite = _suite(result, timestamp)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        total_time += result.duration_s
    _set_counts(root, totals, total_time)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("", text) + "\n"


def _suite(result: NotebookResult, timestamp: str) -> ET.Element:
    suite = ET.Element("testsuite", name=result.name, timestamp=timestamp)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for test in result.tests:
        suite.append(_testcase(result.name, test))
        counts["tests"] += 1
        counts["failures"] += test.status == "failed"
        counts["skipped"] += test.status in ("skipped", "xfail")
    if result.error is not None:
        suite.append(_error_case(result))
        counts["tests"] += 1
        counts["errors"] += 1
    _set_counts(suite, counts, result.duration_s)
    return suite


def _set_counts(element: ET.Element, counts: dict[str, int], seconds: float) -> None:
    for key, value in counts.items():
        element.set(key, str(value))
    element.set("time", f"{seconds:.3f}")


def _testcase(notebook: str, test: PlanTest) -> ET.Element:
    time = f"{test.duration_s:.3f}"
    case = ET.Element("testcase", classname=notebook, name=test.label or notebook, time=time)
    if test.status == "failed":
        failed = [c for c in test.checks if c.get("status") == "failed"]
        failure = ET.SubElement(case, "failure", message=_failure_message(failed))
        failure.set("type", "CheckFailed")
        failure.text = "\n".join(_describe(notebook, c) for c in failed)
    elif test.status == "skipped":
        reasons = "; ".join(str(c.get("message") or c.get("name")) for c in test.checks)
        ET.SubElement(case, "skipped", message=reasons)
    elif test.status == "xfail":
        failed = [c for c in test.checks if c.get("status") in ("xfail", "failed")]
        detail = _failure_message(failed) if failed else "failed as expected"
        ET.SubElement(case, "skipped", message=f"xfail: {test.xfail or detail}").text = detail
    elif test.status == "xpass":
        out = ET.SubElement(case, "system-out")
        out.text = f"XPASS: expected to fail ({test.xfail or 'xfail'}) but every check passed"
    return case


def _failure_message(failed: list[dict]) -> str:
    return "; ".join(_one_failure(c) for c in failed)


def _one_failure(check: dict) -> str:
    return failure_summary(check)


def _describe(notebook: str, check: dict) -> str:
    """The failure text of one check: what, where, and expected/actual (or the diff)."""
    where = f" ({notebook}.html#cell-{check['cell']})" if check.get("cell") is not None else ""
    head = f"{check.get('test_id')} {_one_failure(check)}{where}"
    expected, actual = check.get("expected"), check.get("actual")
    if is_structured(expected, actual):
        return f"{head}\n  differing fields:\n{diff_text(expected, actual, indent='    ')}"
    return f"{head}\n  expected: {show(expected)}\n  actual:   {show(actual)}"


def _error_case(result: NotebookResult) -> ET.Element:
    error = result.error
    case = ET.Element("testcase", classname=result.name, name="notebook", time="0")
    element = ET.SubElement(case, "error", message=f"{error.ename}: {error.evalue}")
    element.set("type", error.ename)
    where = f"cell {error.cell}" if error.cell is not None else "notebook"
    element.text = f"{where}: {error.ename}: {error.evalue}"
    return case
