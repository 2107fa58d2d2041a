"""The transactions notebook exists to catch a platform whose batches are not atomic: prove it.

shopstack's checkout service has a TEST-ONLY defect switch (``SHOPSTACK_TEST_NONATOMIC_BATCH=1``)
that commits each event of a batch on its own, so the events before a conflicting one stay
stored. With it, seed 004's ``32_event_transactions`` must fail on T.1's "nothing stored" check
while the concurrency (T.2) and large-batch (T.3) tests still pass.
"""

from __future__ import annotations

import pytest
from suite_cli import failures_by_test_id, run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]


def test_transactions_notebook_fails_on_the_batch_check_when_batches_are_not_atomic(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect("32_event_transactions", {"SHOPSTACK_TEST_NONATOMIC_BATCH": "1"}, out)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert "events table unchanged" in failures["T.1"]
    assert failures["T.2"] is None
    assert failures["T.3"] is None
