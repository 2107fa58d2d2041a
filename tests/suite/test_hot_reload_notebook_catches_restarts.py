"""The hot-reload notebook exists to catch a platform that restarts to apply a change: prove it.

shopstack has a TEST-ONLY defect switch (``SHOPSTACK_TEST_RESTART_ON_CONFIG=<service>``) that
makes one service apply every configuration change by restarting itself (``shopstack stop`` then
``start``: a new pid). With it on the payment service, seed 003's hot-reload notebook must fail
on its pid check (S4.4), naming the service that restarted.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from suite_cli import run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

REPO = Path(__file__).resolve().parents[2]


def _failures_by_test_id(junit: Path) -> dict[str, str | None]:
    cases = ET.parse(junit).getroot().iter("testcase")
    return {
        case.get("name").split()[0]: (
            case.find("failure").get("message") if case.find("failure") is not None else None
        )
        for case in cases
    }


def test_hot_reload_notebook_fails_on_the_pid_check_when_a_service_restarts(tmp_path):
    env = {**os.environ, "SHOPSTACK_TEST_RESTART_ON_CONFIG": "payment"}
    out = tmp_path / "run"
    result = run_phasebook(
        "--embedded", "-k", "43_hot_reload", "--out", str(out), env=env, cwd=REPO, timeout=300
    )
    assert result.returncode == 1, result.stdout + result.stderr
    failures = _failures_by_test_id(out / "junit.xml")
    assert "services with a new pid" in failures["S4.4"]
    assert "payment" in failures["S4.4"]
