"""Load and performance phase: Locust scenarios for shopstack, run headless in a subprocess.

    from phasebook.load import LoadData, LoadProfile, run_load, run_reads

``locustfile.py`` is the only module here that imports locust, and it is never imported by
this package: Locust loads it in its own process. See docs/load.md.
"""

from __future__ import annotations

from . import endpoints
from .baseline import (
    Comparison,
    baseline_path,
    comparable,
    compare,
    load_baseline,
    save_baseline,
)
from .dataset import Consistency, LoadData, consistency, settled_consistency
from .headless import LOCUSTFILE, LoadRunFailed, check_host
from .resources import ResourceSampler
from .run import LoadProfile, LoadRun, figures, per_service, run_load, run_reads, stable_memory
from .stages import Stages
from .stats import EndpointMissing, LoadResultsMissing, NotMeasured, read_history, read_stats
from .thresholds import Verdict, at_least, at_most

__all__ = [
    "LOCUSTFILE",
    "Comparison",
    "Consistency",
    "EndpointMissing",
    "LoadData",
    "LoadProfile",
    "LoadResultsMissing",
    "LoadRun",
    "LoadRunFailed",
    "NotMeasured",
    "ResourceSampler",
    "Stages",
    "Verdict",
    "at_least",
    "at_most",
    "baseline_path",
    "check_host",
    "comparable",
    "compare",
    "consistency",
    "endpoints",
    "figures",
    "load_baseline",
    "per_service",
    "read_history",
    "read_stats",
    "run_load",
    "run_reads",
    "save_baseline",
    "settled_consistency",
    "stable_memory",
]
