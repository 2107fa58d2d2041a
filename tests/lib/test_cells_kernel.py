"""Re-running cells in a kernel, as JupyterLab does, leaves s.finish() with the notebook's checks.

Driven through a real kernel with nbclient. JupyterLab sends each cell's id in the
execute_request metadata (``cellId``); nbclient 0.11 sends none, so :class:`LabLikeClient`
adds it the way Lab does. The control test runs the same sequence without cell ids: the
re-run checks are then counted twice, which is the bug the cell ids fix.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.util import run_sync
from phasebook.display import RESULTS_MIME

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "05_checkout.ipynb"
RERUN = ("cc050b0a", "841524b6")  # 5.1's backend check cell (after 5.2 ran), 5.2's check cell
FINISH = "6965e28e"


class LabLikeClient(NotebookClient):
    """nbclient that sends ``{"cellId": cell.id}`` with every execute_request, like JupyterLab."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        kc, original = self.kc, self.kc.execute

        def execute(code, store_history=True, stop_on_error=True, **_):
            content = {
                "code": code,
                "silent": False,
                "store_history": store_history,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": stop_on_error,
            }
            msg = kc.session.msg("execute_request", content, metadata={"cellId": cell.id})
            kc.shell_channel.send(msg)
            return msg["header"]["msg_id"]

        kc.execute = execute
        try:
            return await super().async_execute_cell(
                cell, cell_index, execution_count=execution_count, store_history=store_history
            )
        finally:
            kc.execute = original

    execute_cell = run_sync(async_execute_cell)  # the base class binds its own coroutine


@pytest.fixture
def kernel_env(platform, monkeypatch):
    """Kernels find the platform through its state dir only: no token, no params exported."""
    monkeypatch.setenv("SHOPSTACK_STATE_DIR", platform["state_dir"])
    for name in ("SHOPSTACK_ADMIN_TOKEN", "PHASEBOOK_PARAMS"):
        monkeypatch.delenv(name, raising=False)


def _results(cell) -> dict:
    for output in cell.outputs:
        payload = output.get("data", {}).get(RESULTS_MIME)
        if payload:
            return payload
    raise AssertionError(f"no results output in the finish cell: {cell.outputs}")


def _checks(payload: dict) -> list[tuple]:
    return [(c["test_id"], c["name"], c["status"]) for c in payload["checks"]]


def run_then_rerun(
    client_class: type[NotebookClient], *, broken: str | None = None
) -> tuple[dict, dict]:
    """Run all, re-run the two check cells, finish again: the two results payloads.

    ``broken``: the id of a re-run cell whose re-run raises before its first check."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = {cell.id: (index, cell) for index, cell in enumerate(nb.cells)}
    client = client_class(
        nb,
        timeout=120,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        first = _results(cells[FINISH][1])
        if broken:
            cell = cells[broken][1]
            cell.source = "raise RuntimeError('edited while debugging')\n" + cell.source
        for cell_id in (*RERUN, FINISH):
            client.execute_cell(cells[cell_id][1], cells[cell_id][0])
        again = _results(cells[FINISH][1])
    return first, again


def test_rerun_cells_replace_their_checks_and_keep_their_test_ids(kernel_env):
    first, again = run_then_rerun(LabLikeClient)
    assert first["summary"]["failed"] == 0 and first["summary"]["passed"] >= 10, first["summary"]
    assert again["summary"] == first["summary"]
    assert _checks(again) == _checks(first)
    seqs = [c["seq"] for c in again["checks"]]
    assert len(set(seqs)) == len(seqs)


def test_without_cell_ids_the_rerun_checks_are_counted_twice(kernel_env):
    first, again = run_then_rerun(NotebookClient)
    assert again["summary"]["passed"] > first["summary"]["passed"]
    assert any(test_id == "5.2" for test_id, *_ in _checks(again)[len(_checks(first)) :])


def test_a_rerun_that_raises_before_its_checks_no_longer_counts_them(kernel_env):
    first, again = run_then_rerun(LabLikeClient, broken=RERUN[1])
    dropped = [c for c in _checks(first) if c not in _checks(again)]
    assert dropped and {test_id for test_id, *_ in dropped} == {"5.2"}, dropped
    assert again["summary"]["passed"] == first["summary"]["passed"] - len(dropped)
    assert _checks(again) == [c for c in _checks(first) if c not in dropped]
