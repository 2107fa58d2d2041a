"""Stage math of a load profile: ramp-up, sustain, ramp-down (seed 000's load_test block).

Pure Python with no third-party import, because it is used on both sides of the process
boundary: by ``locustfile.py`` (inside Locust) to decide how many users to run at second
``t``, and by the library (inside the kernel) to find the sustain window in the results.
The profile travels from the library to Locust as ``PHASEBOOK_LOAD_*`` environment variables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

RAMP_UP, SUSTAIN, RAMP_DOWN = "ramp-up", "sustain", "ramp-down"
ENV_PREFIX = "PHASEBOOK_LOAD_"


@dataclass(frozen=True)
class Stages:
    """``users`` at peak, reached linearly over ``ramp_up_s``, held for ``sustain_s``, then
    reduced linearly to zero over ``ramp_down_s``. ``spawn_rate`` (users/s) is a floor: the
    ramp always spawns fast enough to follow its line."""

    users: int
    ramp_up_s: float
    sustain_s: float
    ramp_down_s: float
    spawn_rate: float = 1.0

    @property
    def total_s(self) -> float:
        return self.ramp_up_s + self.sustain_s + self.ramp_down_s

    @property
    def sustain_window(self) -> tuple[float, float]:
        """Seconds from the start at which the sustain phase begins and ends."""
        return self.ramp_up_s, self.ramp_up_s + self.sustain_s

    def phase_at(self, t: float) -> str | None:
        """The phase at second ``t`` of the run (None before 0 and after the end)."""
        if t < 0 or t >= self.total_s:
            return None
        if t < self.ramp_up_s:
            return RAMP_UP
        return SUSTAIN if t < self.ramp_up_s + self.sustain_s else RAMP_DOWN

    def target_at(self, t: float) -> tuple[int, float] | None:
        """``(users, spawn_rate)`` Locust should run at second ``t``; None stops the test."""
        phase = self.phase_at(t)
        if phase is None:
            return None
        rate = self._rate()
        if phase == RAMP_UP:
            return max(1, math.ceil(self.users * t / self.ramp_up_s)), rate
        if phase == SUSTAIN:
            return self.users, rate
        left = self.total_s - t
        return max(1, math.ceil(self.users * left / self.ramp_down_s)), rate

    def _rate(self) -> float:
        slopes = [self.users / s for s in (self.ramp_up_s, self.ramp_down_s) if s > 0]
        return max([float(self.spawn_rate), *slopes]) if slopes else float(self.users)

    def to_env(self) -> dict[str, str]:
        """The ``PHASEBOOK_LOAD_*`` variables that :func:`stages_from_env` reads back."""
        return {
            f"{ENV_PREFIX}USERS": str(int(self.users)),
            f"{ENV_PREFIX}RAMP_UP_S": f"{self.ramp_up_s:g}",
            f"{ENV_PREFIX}SUSTAIN_S": f"{self.sustain_s:g}",
            f"{ENV_PREFIX}RAMP_DOWN_S": f"{self.ramp_down_s:g}",
            f"{ENV_PREFIX}SPAWN_RATE": f"{self.spawn_rate:g}",
        }


def stages_from_env(environ: Mapping[str, str]) -> Stages | None:
    """The stages set by :meth:`Stages.to_env`, or None when ``PHASEBOOK_LOAD_SUSTAIN_S`` is
    unset (then Locust's own ``-u/-r/-t`` or web UI drive the run)."""
    if not environ.get(f"{ENV_PREFIX}SUSTAIN_S"):
        return None

    def number(name: str, default: str) -> float:
        return float(environ.get(f"{ENV_PREFIX}{name}") or default)

    return Stages(
        users=int(number("USERS", "10")),
        ramp_up_s=number("RAMP_UP_S", "0"),
        sustain_s=number("SUSTAIN_S", "0"),
        ramp_down_s=number("RAMP_DOWN_S", "0"),
        spawn_rate=number("SPAWN_RATE", "1"),
    )
