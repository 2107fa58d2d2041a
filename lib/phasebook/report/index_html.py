"""``index.html``: the one page a reviewer opens — status, failures with links, latencies.

Rendered from ``templates/report_index.html.j2``: inline CSS, no scripts, no external
references, so it reads the same offline and as a CI artifact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import jinja2

from phasebook.report.latency import endpoint_latencies
from phasebook.report.results import NotebookResult
from phasebook.report.run import RunInfo, notebook_dict, run_status, totals

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def index_html(run: RunInfo, results: Sequence[NotebookResult]) -> str:
    """The HTML of the run's index page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    journal = [row for r in results for row in r.journal]
    return env.get_template("report_index.html.j2").render(
        run=asdict(run),
        status=run_status(results),
        totals=totals(results),
        notebooks=[notebook_dict(r) for r in results],
        failures=_failures(results),
        skipped=_skipped(results),
        errors=[{"notebook": r.name, **asdict(r.error)} for r in results if r.error],
        latency=endpoint_latencies(journal),
    )


def _failures(results: Sequence[NotebookResult]) -> list[dict]:
    return [
        {
            "notebook": r.name,
            "test_id": check.get("test_id") or "",
            "title": r.titles.get(str(check.get("test_id")), ""),
            "name": check.get("name") or "",
            "message": check.get("message") or "",
            "expected": _show(check.get("expected")),
            "actual": _show(check.get("actual")),
            "cell": check.get("cell"),
        }
        for r in results
        for check in r.failed_checks
    ]


def _skipped(results: Sequence[NotebookResult]) -> list[dict]:
    return [
        {
            "notebook": r.name,
            "test_id": check.get("test_id") or "",
            "title": r.titles.get(str(check.get("test_id")), ""),
            "reason": check.get("message") or check.get("name") or "",
        }
        for r in results
        for check in r.skipped_checks
    ]


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)
