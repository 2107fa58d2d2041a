"""Load and performance phase: Locust scenarios for shopstack, run headless in a subprocess.

    from phasebook.load import LoadData, LoadProfile, run_load, run_reads

``locustfile.py`` is the only module here that imports locust, and it is never imported by
this package: Locust loads it in its own process. See docs/load.md.
"""

from __future__ import annotations

from . import endpoints
from .baseline import baseline_path, comparable, compare, load_baseline, save_baseline
from .dataset import LoadData, settled_consistency
from .headless import LoadRunFailed
from .run import (
    LoadProfile,
    LoadRun,
    figures,
    per_service,
    run_clients,
    run_load,
    run_reads,
    stable_memory,
)
from .stages import Stages
from .stats import EndpointMissing, LoadResultsMissing
from .thresholds import at_least, at_most

# The documented surface (docs/load.md, pinned by tests/lib/test_load_public_api.py); the
# rest (stats readers, resource sampler, headless runner) is reached through its submodule.
__all__ = [
    "EndpointMissing",
    "LoadData",
    "LoadProfile",
    "LoadResultsMissing",
    "LoadRun",
    "LoadRunFailed",
    "Stages",
    "at_least",
    "at_most",
    "baseline_path",
    "comparable",
    "compare",
    "endpoints",
    "figures",
    "load_baseline",
    "per_service",
    "run_clients",
    "run_load",
    "run_reads",
    "save_baseline",
    "settled_consistency",
    "stable_memory",
]
