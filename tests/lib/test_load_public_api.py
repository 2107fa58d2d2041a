"""phasebook.load's public surface is chosen on purpose: what a load notebook needs."""

import phasebook.load as load

EXPECTED = [
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


def test_load_public_api_is_pinned():
    assert load.__all__ == EXPECTED


def test_every_public_name_resolves_and_locust_is_not_imported():
    import sys

    for name in load.__all__:
        assert getattr(load, name) is not None
    assert "locust" not in sys.modules
