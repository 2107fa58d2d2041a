"""The runner's papermill engine writes the executed notebook at the start, at the end, and at
cell boundaries only every SAVE_EVERY_S (no kernel: the manager's callbacks are driven here)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill.engines
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from phasebook.runner import engine
from phasebook.runner.engine import SparseSaves


def _notebook() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(f"x = {i}") for i in range(5)])
    nb.metadata["papermill"] = {}
    return nb


def _run(out: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Start, run five cells, complete; the number of cells done at each write."""
    writes: list[int] = []
    real_write = papermill.engines.write_ipynb

    def counting_write(nb, path) -> None:  # noqa: ANN001
        writes.append(sum(c.metadata.papermill.get("status") == "completed" for c in nb.cells))
        real_write(nb, path)

    monkeypatch.setattr(papermill.engines, "write_ipynb", counting_write)
    nb_man = SparseSaves(_notebook(), output_path=str(out), progress_bar=False)
    nb_man.notebook_start()
    for index, cell in enumerate(nb_man.nb.cells):
        nb_man.cell_start(cell, index)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{index}\n")]
        nb_man.cell_complete(cell, index)
    nb_man.notebook_complete()
    return writes


def test_a_quick_notebook_is_written_at_start_and_end(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out.ipynb"
    assert _run(out, monkeypatch) == [0, 5]
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    assert ["".join(c["outputs"][0]["text"]) for c in cells] == [f"{i}\n" for i in range(5)]
    assert {c["metadata"]["papermill"]["status"] for c in cells} == {"completed"}


def test_a_slow_notebook_is_written_as_it_goes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "SAVE_EVERY_S", 0.0)  # every boundary is "long enough" after
    writes = _run(tmp_path / "out.ipynb", monkeypatch)
    assert writes == [0, *(n for i in range(5) for n in (i, i + 1)), 5]  # papermill's 12


def test_a_worker_about_to_be_killed_writes_the_running_cell(tmp_path: Path) -> None:
    """A cell start within SAVE_EVERY_S of the last write is not written; save_current (what
    the worker's SIGTERM handler calls before a --timeout kill) writes it, marked running."""
    out = tmp_path / "out.ipynb"
    nb_man = SparseSaves(_notebook(), output_path=str(out), progress_bar=False)
    nb_man.notebook_start()
    nb_man.cell_start(nb_man.nb.cells[0], 0)
    on_disk = json.loads(out.read_text(encoding="utf-8"))["cells"][0]["metadata"]["papermill"]
    assert on_disk["status"] == "pending"
    engine.save_current()
    on_disk = json.loads(out.read_text(encoding="utf-8"))["cells"][0]["metadata"]["papermill"]
    assert on_disk["status"] == "running"
    nb_man.notebook_complete()
    assert engine._current == []
