"""The streaming notebook exists to catch a stream that loses messages: prove it.

shopstack's checkout service has a TEST-ONLY defect switch (``SHOPSTACK_TEST_DROP_STREAM=3``)
that drops every third live message of each stream. With it, seed 004's ``34_event_streaming``
must fail S.2 on "events per client" (20 clients, 10 events each), while S.1 (two live
messages) and S.3 (replay, then one live message) still pass.
"""

from __future__ import annotations

import pytest
from suite_cli import failures_by_test_id, run_with_defect

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]


def test_streaming_notebook_fails_on_the_per_client_count_when_messages_are_dropped(tmp_path):
    out = tmp_path / "run"
    result = run_with_defect("34_event_streaming", {"SHOPSTACK_TEST_DROP_STREAM": "3"}, out)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = failures_by_test_id(out / "junit.xml")
    assert "events per client" in failures["S.2"]
    assert failures["S.1"] is None
    assert failures["S.3"] is None
