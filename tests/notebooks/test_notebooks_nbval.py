"""The committed notebooks, re-executed against a fresh platform, reproduce their outputs.

nbval runs in its own pytest process so that phasebook's pytest plugin (entry point
``pytest11: phasebook``, lib/phasebook/nbval_plugin.py) can start the platform before the
first kernel starts, and so that this suite's xdist workers stay out of it. The plugin applies
the sanitize rules itself. With ``SHOPSTACK_TEST_PROFILE=postgres`` the platform runs on
``SHOPSTACK_TEST_POSTGRES_URL`` and ``SHOPSTACK_TEST_REDIS_URL``.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _measures_this_machine(path: Path) -> bool:
    """Notebooks that measure the machine (20_load, 35_event_performance, 46_performance) say
    ``"nbval": "skip"`` in their metadata."""
    return json.loads(path.read_text())["metadata"].get("phasebook", {}).get("nbval") == "skip"


GUARDED = [nb for nb in NOTEBOOKS if not _measures_this_machine(nb)]


def _profile_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSTACK_", "PHASEBOOK_"))}
    if os.environ.get("SHOPSTACK_TEST_PROFILE") != "postgres":
        return env
    return {
        **env,
        "PHASEBOOK_PARAMS": str(ROOT / "params" / "postgres.yaml"),
        "SHOPSTACK_DATABASE_URL": os.environ["SHOPSTACK_TEST_POSTGRES_URL"],
        "SHOPSTACK_REDIS_URL": os.environ["SHOPSTACK_TEST_REDIS_URL"],
        "SHOPSTACK_DB_NAMESPACE": "nbval_" + secrets.token_hex(4),
    }


@pytest.mark.slow
def test_committed_notebooks_reproduce_their_outputs():
    assert GUARDED, "no phase notebooks found in notebooks/"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--phasebook-platform=fresh",
        "--nbval-cell-timeout",
        "120",
        "-o",
        "addopts=",
        *map(str, GUARDED),
    ]
    result = subprocess.run(
        command, cwd=ROOT, env=_profile_env(), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
