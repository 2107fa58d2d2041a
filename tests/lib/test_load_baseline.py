"""phasebook.load thresholds and baselines: verdicts, regressions, skips with a reason."""

from __future__ import annotations

import json
from types import SimpleNamespace

from phasebook.load.baseline import (
    baseline_path,
    compare,
    load_baseline,
    save_baseline,
)
from phasebook.load.thresholds import at_least, at_most

PROFILE = {"users": 20, "sustain_s": 20, "platform": "sqlite"}
FIGURES = {"checkout_p95_ms": 300.0, "orders_per_min": 400.0}


class FakeChecks:
    def __init__(self):
        self.calls = []

    def true(self, name, condition, detail=None):
        self.calls.append(("true", name, bool(condition), detail))

    def skip(self, reason, *, name="skipped"):
        self.calls.append(("skip", name, reason))


def test_at_most_and_at_least_pass_on_the_limit_and_say_both_figures():
    assert at_most("p95", 2000, 2000, " ms").passed
    late = at_most("p95", 2100.0, 2000, " ms")
    assert not late.passed and late.detail == "2100 ms (limit ≤ 2000 ms)"
    assert at_least("orders/min", 200, 200).passed
    assert not at_least("orders/min", 199.5, 200).passed


def test_a_figure_that_was_not_measured_fails():
    verdict = at_most("p95", float("nan"), 2000, " ms")
    assert not verdict.passed and verdict.detail.startswith("not measured")
    assert not at_least("rps", None, 1000).passed


def test_a_verdict_records_itself_as_a_check():
    checks = FakeChecks()
    at_most("p95", 10, 20, " ms").record(checks)
    assert checks.calls == [("true", "p95", True, "10 ms (limit ≤ 20 ms)")]


def test_without_a_baseline_the_comparison_is_skipped_with_what_to_do():
    comparison = compare(FIGURES, None, profile=PROFILE, source="load-sqlite.json")
    checks = FakeChecks()
    comparison.record(checks)
    assert checks.calls == [
        (
            "skip",
            "baseline comparison",
            "no baseline at load-sqlite.json — run with save_baseline=True to record one",
        )
    ]


def test_a_baseline_of_another_profile_is_not_compared(tmp_path):
    path = save_baseline(tmp_path / "b.json", FIGURES, profile={**PROFILE, "users": 300})
    comparison = compare(FIGURES, load_baseline(path), profile=PROFILE)
    assert comparison.skipped and "another load profile" in comparison.skipped


def test_within_ten_percent_passes_and_beyond_fails_in_the_right_direction(tmp_path):
    path = save_baseline(tmp_path / "b.json", FIGURES, profile=PROFILE)
    ok = compare(
        {"checkout_p95_ms": 329.0, "orders_per_min": 361.0}, load_baseline(path), profile=PROFILE
    )
    assert [v.passed for v in ok.verdicts] == [True, True]
    worse = compare(
        {"checkout_p95_ms": 331.0, "orders_per_min": 359.0}, load_baseline(path), profile=PROFILE
    )
    assert [(v.name, v.passed) for v in worse.verdicts] == [
        ("checkout_p95_ms vs baseline", False),
        ("orders_per_min vs baseline", False),
    ]
    better = compare(
        {"checkout_p95_ms": 100.0, "orders_per_min": 900.0}, load_baseline(path), profile=PROFILE
    )
    assert all(v.passed for v in better.verdicts)
    assert worse.frame()[["figure", "change_%"]].values.tolist() == [
        ["checkout_p95_ms", 10.3],
        ["orders_per_min", -10.2],
    ]


def test_a_saved_baseline_keeps_figures_and_profile_as_json(tmp_path):
    path = save_baseline(tmp_path / "deep" / "b.json", FIGURES, profile=PROFILE)
    document = json.loads(path.read_text())
    assert document["figures"] == FIGURES and document["profile"] == PROFILE
    assert document["version"] == 1 and "recorded_at" in document
    assert load_baseline(tmp_path / "missing.json") is None


def test_the_default_baseline_path_names_the_platform_profile(tmp_path):
    session = SimpleNamespace(
        params=SimpleNamespace(root=tmp_path), target=SimpleNamespace(profile="postgres")
    )
    assert baseline_path(session) == tmp_path / "outputs" / "baselines" / "load-postgres.json"
    assert baseline_path(session, "b/x.json") == tmp_path / "b" / "x.json"
