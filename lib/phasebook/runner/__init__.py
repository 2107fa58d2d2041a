"""``phasebook run``: execute the suite's notebooks with papermill and report on them.

``discovery`` selects notebooks, ``embedded`` starts a throw-away shopstack, ``execute`` /
``worker`` run one notebook per process, ``kernels`` / ``zygote`` keep a warm kernel per
worker, ``collect`` reads it back, ``suite`` ties them together, ``progress`` prints. Params
are read only through ``phasebook.params`` and the platform is checked by
``phasebook.preflight``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from phasebook.runner.suite import RunOptions, SuiteOutcome, run_suite

__all__ = ["RunOptions", "SuiteOutcome", "run_suite"]


def __getattr__(name: str) -> Any:
    # Lazy: the worker and kernel-zygote processes (``python -m phasebook.runner.worker``)
    # import this package first and need none of the suite (0.37 CPU s).
    if name not in __all__:
        raise AttributeError(f"module 'phasebook.runner' has no attribute {name!r}")
    from phasebook.runner import suite

    return getattr(suite, name)
