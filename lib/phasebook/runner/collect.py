"""After a notebook ran: scrub its executed copy and read its results (:func:`collect_result`,
on the critical path, a few ms), then export its HTML (:func:`export_html`, the slow part,
done by :class:`HtmlExports` beside the next notebooks' execution)."""

from __future__ import annotations

import html
import shutil
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor

from phasebook.report.results import NotebookResult, read_result
from phasebook.report.scrub import Scrubber
from phasebook.report.write import write_notebook_html
from phasebook.runner.execute import Execution, NotebookJob


def collect_result(
    job: NotebookJob, execution: Execution, scrubber: Scrubber
) -> tuple[NotebookResult, dict]:
    """The result of one executed notebook and the scrubbed notebook (its .ipynb is in the
    out dir, scrubbed)."""
    if not job.output_path.exists():  # the worker died before papermill wrote anything
        shutil.copyfile(job.input_path, job.output_path)
    nb = scrubber.scrub_json_file(job.output_path)
    error = scrubber.value(execution.error) if execution.error else None
    return read_result(nb, name=job.name, duration_s=execution.duration_s, error=error), nb


def export_html(job: NotebookJob, nb: Mapping, scrubber: Scrubber) -> None:
    """``NAME.html`` beside the executed notebook; a failed export writes its reason there."""
    try:
        write_notebook_html(job.output_path.parent, job.name, nb, scrubber)
    except Exception as exc:  # noqa: BLE001 - a broken export must not hide the results
        message = html.escape(f"HTML export of {job.output_path.name} failed: {exc!r}")
        scrubber.write_text(job.output_path.with_suffix(".html"), f"<p>{message}</p>")


class HtmlExports:
    """One thread that exports notebooks to HTML while the next ones execute (nbconvert is
    imported once, by the first export)."""

    def __init__(self, scrubber: Scrubber) -> None:
        self._scrubber = scrubber
        self._threads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="phasebook-html")
        self._pending: list[Future] = []

    def submit(self, job: NotebookJob, nb: Mapping) -> None:
        self._pending.append(self._threads.submit(export_html, job, nb, self._scrubber))

    def drain(self) -> None:
        """Every export submitted so far written (more may be submitted afterwards)."""
        for future in self._pending:
            future.result()

    def wait(self) -> None:
        """Every submitted export written."""
        self.drain()
        self._threads.shutdown(wait=True)

    def cancel(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
