"""``phasebook run``: execute the suite's notebooks with papermill and report on them.

``discovery`` selects notebooks, ``embedded`` starts a throw-away shopstack, ``execute`` /
``worker`` run one notebook per process, ``collect`` reads it back, ``suite`` ties them
together, ``progress`` prints. Params are read only through ``phasebook.params`` and the
platform is checked by ``phasebook.preflight``.
"""

from phasebook.runner.suite import RunOptions, SuiteOutcome, run_suite

__all__ = ["RunOptions", "SuiteOutcome", "run_suite"]
