"""``phasebook run``: execute the suite's notebooks with papermill and report on them.

``discovery`` selects notebooks, ``preflight`` resolves and pings the platform, ``embedded``
starts a throw-away shopstack, ``execute``/``worker`` run one notebook per process,
``collect`` reads it back, ``suite`` ties them together, ``progress`` prints.
"""

from phasebook.runner.preflight import check_health, resolve_base_url
from phasebook.runner.suite import RunOptions, SuiteOutcome, run_suite

__all__ = ["RunOptions", "SuiteOutcome", "check_health", "resolve_base_url", "run_suite"]
