"""Re-runnable cells: which notebook cell is running, so that re-running it replaces its checks.

JupyterLab (and other front ends) send the id of the cell being run in the ``execute_request``
metadata (``{"cellId": ...}``); ipykernel keeps that message as the current parent. From it,
:class:`CellTracker` knows which cell a check comes from and which run of that cell it is
(each ``execute_request`` has its own ``msg_id``), and so:

- a check recorded by a new run of a cell replaces the checks of that cell's earlier run, in
  the same place of the list (``s.finish()`` counts each check of the notebook once);
- a cell that runs again keeps the test id that was current when it first ran, unless it calls
  ``s.test(...)`` itself (re-running 5.1's check cell after 5.2 files its checks under 5.1);
- when a run of a cell ends without recording anything (it raised before its first check, or
  its checks were edited away), the checks of its earlier runs are dropped too
  (:func:`settle_after_each_cell`): the tally counts only what the latest run of each cell
  checked, never a pass that run did not repeat.

Without a cell id (plain Python, pytest, papermill/nbclient which send none) nothing changes:
every check is appended and filed under the current test.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Execution:
    """One run of one cell: the cell's id and the ``msg_id`` of its execute_request."""

    cell_id: str
    msg_id: str


def kernel_execution() -> Execution | None:
    """The cell run the kernel is executing now, or None outside a kernel or without a cell id."""
    ipython = sys.modules.get("IPython")  # every kernel has imported it; elsewhere, no import
    if ipython is None:
        return None
    kernel = getattr(ipython.get_ipython(), "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)
    if get_parent is None:
        return None
    try:
        parent = get_parent("shell") or {}
    except (TypeError, AttributeError, LookupError):
        return None
    cell_id = (parent.get("metadata") or {}).get("cellId")
    msg_id = (parent.get("header") or {}).get("msg_id")
    if not cell_id or not msg_id:
        return None
    return Execution(str(cell_id), str(msg_id))


class CellTracker:
    """Remembers each cell's first run and the test id that was current then."""

    def __init__(self, execution: Callable[[], Execution | None] = kernel_execution):
        self._execution = execution
        self._first_run: dict[str, str] = {}
        self._first_test: dict[str, str | None] = {}
        self._switched: set[str] = set()

    def current(self) -> Execution | None:
        """The cell run in progress (None outside a notebook front end)."""
        return self._execution()

    def test_id(self, current_test: str | None) -> str | None:
        """The test id to file a record under, given the session's current one."""
        run = self.current()
        if run is None:
            return current_test
        if run.cell_id not in self._first_run:
            self._first_run[run.cell_id] = run.msg_id
            self._first_test[run.cell_id] = current_test
            return current_test
        if run.msg_id == self._first_run[run.cell_id] or run.msg_id in self._switched:
            return current_test
        return self._first_test[run.cell_id]

    def switched(self) -> None:
        """``s.test(...)`` ran in the current cell run: later records of this run use it."""
        run = self.current()
        if run is not None:
            self._switched.add(run.msg_id)

    def file(self, records: list[Any], record: Any) -> None:
        """Add ``record`` (with a ``cell`` attribute) to ``records`` in place.

        A record of a new run of a cell drops that cell's records from its earlier runs and
        takes their place; records of one run stay together, in the order they were made.
        """
        run: Execution | None = getattr(record, "cell", None)
        if run is None:
            records.append(record)
            return
        same_cell = [i for i, r in enumerate(records) if _cell_id(r) == run.cell_id]
        stale = [i for i in same_cell if records[i].cell.msg_id != run.msg_id]
        if stale:
            position = stale[0]
            stale_set = set(stale)
            records[:] = [r for i, r in enumerate(records) if i not in stale_set]
            records.insert(position, record)
        elif same_cell:
            records.insert(same_cell[-1] + 1, record)
        else:
            records.append(record)

    def settle(self, records: list[Any]) -> None:
        """The current cell run has ended: drop its cell's records from earlier runs.

        Records of this run replaced them already (:meth:`file`); this removes those of a
        run that recorded nothing."""
        run = self.current()
        if run is None:
            return
        records[:] = [
            r for r in records if _cell_id(r) != run.cell_id or r.cell.msg_id == run.msg_id
        ]


def settle_after_each_cell(tracker: CellTracker, records: list[Any]) -> bool:
    """Call ``tracker.settle(records)`` after each cell the running kernel executes.

    The hook holds the tracker weakly and removes itself once the tracker is gone (a session
    built again in the same kernel). False outside a kernel."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    events = getattr(shell, "events", None)
    if events is None:
        return False
    owner = weakref.ref(tracker)

    def after_cell(_result: Any = None) -> None:
        alive = owner()
        if alive is None:
            events.unregister("post_run_cell", after_cell)
        else:
            alive.settle(records)

    events.register("post_run_cell", after_cell)
    return True


def _cell_id(record: Any) -> str | None:
    run = getattr(record, "cell", None)
    return run.cell_id if run is not None else None
