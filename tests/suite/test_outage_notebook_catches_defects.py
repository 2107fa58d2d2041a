"""The outage notebook exists to catch a platform that does not compensate: prove it does.

shopstack's inventory has a TEST-ONLY defect switch (``SHOPSTACK_TEST_DISABLE_RELEASE=1``) that
turns every reservation release into a no-op answering success. With it, seed 001's outage
notebook must fail, and on the right checks: the 503 itself (O.1) is still correct, while the
"no data corruption" checks (O.2) see the reservation still held and the stock reduced.
"""

from __future__ import annotations

import pytest
from suite_cli import failures_by_test_id, run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]


def test_outage_notebook_fails_on_the_compensation_checks_when_release_is_disabled(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect("11_dependency_outage", {"SHOPSTACK_TEST_DISABLE_RELEASE": "1"}, out)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert failures["O.1"] is None  # the 503 after retries is still right
    assert "reservation compensated" in failures["O.2"]
    assert "expected 'RELEASED', got 'RESERVED'" in failures["O.2"]
    assert "stock unchanged" in failures["O.2"]
    index = (out / "index.html").read_text()
    assert "O.2" in index and "reservation compensated" in index
