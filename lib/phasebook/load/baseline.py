"""Baselines: a run's headline figures saved as JSON, and later runs compared against them.

Seed 000: "No performance regression from baseline (< 10 % slower than previous version)".
A figure regresses when a latency (``*_ms``, lower is better) rises by more than the
tolerance, or a rate (anything else, higher is better) falls by more than it. A baseline
recorded with another load profile is not comparable: the comparison is skipped, with why.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .thresholds import Verdict, at_least, at_most

VERSION = 1


@dataclass(frozen=True)
class Comparison:
    """Verdicts per figure, or ``skipped`` with a reason (no or incomparable baseline)."""

    verdicts: list[Verdict] = field(default_factory=list)
    skipped: str | None = None
    baseline: Mapping[str, Any] | None = None

    def record(self, checks: Any) -> None:
        """One check per figure, or one skip with the reason."""
        if self.skipped:
            checks.skip(self.skipped, name="baseline comparison")
            return
        for verdict in self.verdicts:
            verdict.record(checks)

    def frame(self) -> pd.DataFrame:
        """figure, baseline, now, change_% , passed."""
        rows = []
        old = (self.baseline or {}).get("figures", {})
        for v in self.verdicts:
            figure = v.name.removesuffix(" vs baseline")
            base = old.get(figure)
            change = 100 * (v.value - base) / base if base and v.value is not None else None
            rows.append(
                {
                    "figure": figure,
                    "baseline": base,
                    "now": v.value,
                    "change_%": None if change is None else round(change, 1),
                    "passed": v.passed,
                }
            )
        return pd.DataFrame(rows, columns=["figure", "baseline", "now", "change_%", "passed"])

    def _repr_html_(self) -> str:
        if self.skipped:
            return f"<p>baseline comparison skipped: {self.skipped}</p>"
        return self.frame().to_html(index=False)

    def __repr__(self) -> str:
        if self.skipped:
            return f"baseline comparison skipped: {self.skipped}"
        return self.frame().to_string(index=False)


def load_baseline(path: str | Path) -> dict[str, Any] | None:
    """The baseline at ``path``, or None when there is none."""
    path = Path(path)
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def save_baseline(
    path: str | Path, figures: Mapping[str, float], *, profile: Mapping[str, Any]
) -> Path:
    """Write ``figures`` (and the ``profile`` they were measured with) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": VERSION,
        "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "profile": dict(profile),
        "figures": {k: round(float(v), 3) for k, v in figures.items() if v is not None},
    }
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def compare(
    figures: Mapping[str, float],
    baseline: Mapping[str, Any] | None,
    *,
    profile: Mapping[str, Any],
    tolerance_pct: float = 10.0,
    source: str = "the baseline file",
) -> Comparison:
    """Each figure against the baseline's: fail on a regression larger than ``tolerance_pct``."""
    if baseline is None:
        return Comparison(
            skipped=f"no baseline at {source} — run with save_baseline=True to record one"
        )
    if dict(baseline.get("profile", {})) != dict(profile):
        return Comparison(
            skipped=f"{source} was recorded with another load profile "
            f"({baseline.get('profile')}); record a new one with save_baseline=True",
            baseline=baseline,
        )
    old = baseline.get("figures", {})
    factor = tolerance_pct / 100
    verdicts = []
    for name, value in figures.items():
        if name not in old:
            continue
        label = f"{name} vs baseline"
        if name.endswith("_ms"):
            verdicts.append(at_most(label, value, old[name] * (1 + factor), " ms"))
        else:
            verdicts.append(at_least(label, value, old[name] * (1 - factor)))
    if not verdicts:
        return Comparison(skipped=f"{source} has none of the figures {sorted(figures)}")
    return Comparison(verdicts=verdicts, baseline=baseline)


def baseline_path(session: Any, path: str | Path | None = None) -> Path:
    """``path`` (relative to the repository root), else ``outputs/baselines/load-<profile>.json``
    where profile is the platform's (sqlite, postgres; remote for a platform without one)."""
    root = Path(session.params.root)
    if path:
        chosen = Path(path).expanduser()
        return chosen if chosen.is_absolute() else root / chosen
    return root / "outputs" / "baselines" / f"load-{session.target.profile or 'remote'}.json"


def comparable(session: Any, profile: Any) -> dict[str, Any]:
    """What two runs must share to be compared: the load profile and the platform profile."""
    return {**profile.key(), "platform": session.target.profile or "remote"}
