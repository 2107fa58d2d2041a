"""One run as data: its metadata, its notebooks' results, and ``results.json``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from phasebook.report.latency import endpoint_latencies
from phasebook.report.results import NotebookResult, PlanTest

RESULTS_VERSION = 1


@dataclass
class RunInfo:
    """What the report says about the run itself (never the params file's contents)."""

    started_at: str
    params_file: str
    platform_url: str
    embedded: bool = False
    finished_at: str = ""
    duration_s: float = 0.0
    selection: list[str] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)


def run_status(results: Sequence[NotebookResult]) -> str:
    """``passed`` when no notebook failed or broke (skipped-only notebooks pass), else
    ``failed``."""
    return "passed" if all(r.status == "passed" for r in results) else "failed"


def totals(results: Sequence[NotebookResult]) -> dict[str, int]:
    """Notebook and check counts of a run."""
    counts = {"notebooks": len(results), "notebooks_passed": 0, "notebooks_failed": 0}
    counts.update({"notebooks_error": 0, "notebooks_skipped": 0})
    counts.update({"passed": 0, "failed": 0, "skipped": 0, "xfail": 0, "xpass": 0})
    for result in results:
        counts[f"notebooks_{result.verdict}"] += 1
        for key, value in result.counts.items():
            counts[key] += value
    return counts


def notebook_dict(result: NotebookResult) -> dict:
    """The machine-readable record of one notebook."""
    return {
        "name": result.name,
        "status": result.verdict,
        "exclusive": result.exclusive,
        "duration_s": round(result.duration_s, 3),
        "ipynb": f"{result.name}.ipynb",
        "html": f"{result.name}.html",
        "summary": result.counts,
        "tests": [test_dict(t) for t in result.tests],
        "checks": result.checks,
        "error": asdict(result.error) if result.error else None,
        "journal_summary": [e.as_dict() for e in endpoint_latencies(result.journal)],
        "journal": result.journal,
        "timings": result.timings,
        "load": result.load_runs,
    }


def test_dict(test: PlanTest) -> dict:
    """The machine-readable record of one plan test."""
    return {
        "test_id": test.test_id,
        "title": test.title,
        "status": test.status,
        "xfail": test.xfail,
        "duration_s": round(test.duration_s, 3),
        "checks": len(test.checks),
        "cell": test.first_cell,
    }


def results_document(run: RunInfo, results: Sequence[NotebookResult]) -> dict:
    """The content of ``results.json``."""
    journal = [row for r in results if not r.exclusive for row in r.journal]
    exclusive = [row for r in results if r.exclusive for row in r.journal]
    return {
        "version": RESULTS_VERSION,
        "status": run_status(results),
        "run": asdict(run),
        "totals": totals(results),
        "notebooks": [notebook_dict(r) for r in results],
        "latency": [e.as_dict() for e in endpoint_latencies(journal)],
        "latency_exclusive": [e.as_dict() for e in endpoint_latencies(exclusive)],
    }
