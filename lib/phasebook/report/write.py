"""Write a run's report files into its out dir, every one of them scrubbed of secrets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from phasebook.report.history import DEFAULT_RUNS, key_endpoints_of, read_runs, summarize
from phasebook.report.index_html import index_html
from phasebook.report.junit import junit_xml
from phasebook.report.notebook_html import notebook_html, write_notebook_css
from phasebook.report.results import NotebookResult
from phasebook.report.run import RunInfo, results_document
from phasebook.report.scrub import Scrubber


def write_notebook_html(out_dir: Path, name: str, nb: Mapping, scrubber: Scrubber) -> Path:
    """``NAME.html`` for an executed (already scrubbed) notebook."""
    path = out_dir / f"{name}.html"
    scrubber.write_text(path, notebook_html(nb))
    return path


def write_run_report(
    out_dir: Path, run: RunInfo, results: Sequence[NotebookResult], scrubber: Scrubber
) -> dict[str, Path]:
    """``index.html``, ``junit.xml`` and ``results.json``; returns their paths by name.

    The index's trend covers this run and the runs beside it (``out_dir``'s parent)."""
    paths = {name: out_dir / name for name in ("index.html", "junit.xml", "results.json")}
    document = results_document(run, results)
    past = read_runs(out_dir.parent, limit=DEFAULT_RUNS - 1, exclude=out_dir)
    history = [*past, summarize(out_dir.name, document)]
    page = index_html(run, results, history=history, key_endpoints=key_endpoints_of(history))
    scrubber.write_text(paths["index.html"], page)
    scrubber.write_text(paths["junit.xml"], junit_xml(results, timestamp=run.started_at))
    scrubber.write_json(paths["results.json"], document)
    paths["notebook.css"] = write_notebook_css(out_dir)
    return paths
