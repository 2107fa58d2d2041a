"""papermill's nbclient engine, saving the executed notebook less often.

papermill writes the whole output notebook (JSON-encoded and schema-validated) when it
starts, when every cell starts and when every cell completes: 13 writes for a five-cell
notebook, 0.09 of the worker's 0.15 CPU s per one-request notebook (cProfile of a worker, 7
notebooks). Those writes exist so that a notebook killed half way (``--timeout``) shows how
far it got and which cell was running. :class:`SparseSaves` writes at the start, at a cell
boundary once :data:`SAVE_EVERY_S` have passed since the last write, during a long cell as
papermill does (``autosave_cell_every``), and at the end; the final notebook is the same.
A worker about to be killed is sent SIGTERM first, and :func:`save_current` writes the
notebook as it stands then, running cell included (``phasebook.runner.worker``).
"""

from __future__ import annotations

import time

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "phasebook"
SAVE_EVERY_S = 2.0


_current: list[NotebookExecutionManager] = []  # the notebook this process executes now


def save_current() -> None:
    """Write the notebook being executed, as it stands (a signal handler calls this)."""
    for nb_man in _current:
        nb_man.save()


class SparseSaves(NotebookExecutionManager):
    """Writes at cell boundaries at most every :data:`SAVE_EVERY_S`; every other write
    (start, autosave inside a long cell, end) as papermill does."""

    _last_write = float("-inf")
    _sparse = False  # True while a cell starts or completes

    def notebook_start(self, **kwargs) -> None:
        _current[:] = [self]
        super().notebook_start(**kwargs)

    def notebook_complete(self, **kwargs) -> None:
        super().notebook_complete(**kwargs)
        _current.clear()

    def save(self, **kwargs) -> None:
        if self._sparse and time.monotonic() - self._last_write < SAVE_EVERY_S:
            if kwargs.get("nb"):  # as papermill's catch_nb_assignment
                self.nb = kwargs["nb"]
            return
        super().save(**kwargs)
        self._last_write = time.monotonic()

    def cell_start(self, cell, cell_index=None, **kwargs) -> None:
        self._sparsely(super().cell_start, cell, cell_index, **kwargs)

    def cell_complete(self, cell, cell_index=None, **kwargs) -> None:
        self._sparsely(super().cell_complete, cell, cell_index, **kwargs)

    def _sparsely(self, method, *args, **kwargs) -> None:
        self._sparse = True
        try:
            method(*args, **kwargs)
        finally:
            self._sparse = False


class SparseSavesEngine(NBClientEngine):
    """nbclient execution with :class:`SparseSaves` (papermill's ``Engine.execute_notebook``
    with the manager class swapped)."""

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        nb_man = SparseSaves(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Make the engine known to papermill; returns its ``engine_name``."""
    papermill_engines.register(ENGINE_NAME, SparseSavesEngine)
    return ENGINE_NAME
