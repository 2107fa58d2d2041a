"""An exclusive notebook (load, performance, faults) starts only once the HTML exports of the
notebooks before it are written: an export must not compete with it for CPU.

No kernel: execution, collection and export are replaced by recorders."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbformat.v4 import new_notebook
from phasebook.runner import collect, suite
from phasebook.runner.execute import NotebookJob


def _job(folder: Path, name: str, *, exclusive: bool) -> NotebookJob:
    nb = new_notebook()
    if exclusive:
        nb.metadata["phasebook"] = {"exclusive": True}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return NotebookJob(name=name, input_path=path, output_path=folder / "out" / path.name)


def test_exclusive_notebook_waits_for_earlier_exports(tmp_path, monkeypatch) -> None:
    exported: list[str] = []
    exported_when_started: dict[str, list[str]] = {}
    lock = threading.Lock()

    def execute(job, pool):  # noqa: ANN001, ANN202
        with lock:
            exported_when_started[job.name] = list(exported)
        return SimpleNamespace(name=job.name)

    def slow_export(job, nb, scrubber):  # noqa: ANN001, ANN202
        time.sleep(0.3)
        with lock:
            exported.append(job.name)

    monkeypatch.setattr(suite, "execute_notebook", execute)
    monkeypatch.setattr(collect, "collect_result", lambda job, execution, scrubber: (job.name, {}))
    monkeypatch.setattr(collect, "export_html", slow_export)
    jobs = [
        _job(tmp_path, "01_a", exclusive=False),
        _job(tmp_path, "02_b", exclusive=False),
        _job(tmp_path, "20_load", exclusive=True),
        _job(tmp_path, "35_perf", exclusive=True),
    ]
    pool = SimpleNamespace(size=2, registry=SimpleNamespace(cancelled=False))
    progress = SimpleNamespace(started=lambda name: None, finished=lambda result: None)

    results = suite._execute_all(jobs, pool, scrubber=None, progress=progress)

    assert results == ["01_a", "02_b", "20_load", "35_perf"]
    assert sorted(exported_when_started["20_load"]) == ["01_a", "02_b"]
    assert sorted(exported_when_started["35_perf"]) == ["01_a", "02_b", "20_load"]
    assert sorted(exported) == ["01_a", "02_b", "20_load", "35_perf"]
