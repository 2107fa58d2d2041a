"""After a notebook ran: scrub its executed copy, read its results, export its HTML."""

from __future__ import annotations

import html
import shutil

from phasebook.report.results import NotebookResult, read_result
from phasebook.report.scrub import Scrubber
from phasebook.report.write import write_notebook_html
from phasebook.runner.execute import Execution, NotebookJob


def collect_result(job: NotebookJob, execution: Execution, scrubber: Scrubber) -> NotebookResult:
    """The result of one executed notebook; its .ipynb and .html are in the out dir."""
    if not job.output_path.exists():  # the worker died before papermill wrote anything
        shutil.copyfile(job.input_path, job.output_path)
    nb = scrubber.scrub_json_file(job.output_path)
    error = scrubber.value(execution.error) if execution.error else None
    result = read_result(nb, name=job.name, duration_s=execution.duration_s, error=error)
    try:
        write_notebook_html(job.output_path.parent, job.name, nb, scrubber)
    except Exception as exc:  # noqa: BLE001 - a broken export must not hide the results
        message = html.escape(f"HTML export of {job.output_path.name} failed: {exc!r}")
        scrubber.write_text(job.output_path.with_suffix(".html"), f"<p>{message}</p>")
    return result
