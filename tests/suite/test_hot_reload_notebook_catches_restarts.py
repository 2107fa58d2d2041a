"""The hot-reload notebook exists to catch a platform that restarts to apply a change: prove it.

shopstack has a TEST-ONLY defect switch (``SHOPSTACK_TEST_RESTART_ON_CONFIG=<service>``) that
makes one service apply every configuration change by restarting itself (``shopstack stop`` then
``start``: a new pid). With it on the payment service, seed 003's hot-reload notebook must fail
on its pid check (S4.4), naming the service that restarted.
"""

from __future__ import annotations

import pytest
from suite_cli import failures_by_test_id, run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]


def test_hot_reload_notebook_fails_on_the_pid_check_when_a_service_restarts(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect("43_hot_reload", {"SHOPSTACK_TEST_RESTART_ON_CONFIG": "payment"}, out)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert "services with a new pid" in failures["S4.4"]
    assert "payment" in failures["S4.4"]
