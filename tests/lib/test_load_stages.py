"""phasebook.load.stages: ramp-up / sustain / ramp-down as users per second of the run."""

from __future__ import annotations

from phasebook.load.stages import RAMP_DOWN, RAMP_UP, SUSTAIN, Stages, stages_from_env

SEED_000 = Stages(users=100, ramp_up_s=300, sustain_s=900, ramp_down_s=300, spawn_rate=1)


def test_the_seed_profile_lasts_25_minutes_with_its_sustain_window_in_the_middle():
    assert SEED_000.total_s == 1500
    assert SEED_000.sustain_window == (300, 1200)


def test_phases_follow_each_other_and_end_with_none():
    assert [SEED_000.phase_at(t) for t in (-1, 0, 299.9, 300, 1199, 1200, 1499, 1500)] == [
        None,
        RAMP_UP,
        RAMP_UP,
        SUSTAIN,
        SUSTAIN,
        RAMP_DOWN,
        RAMP_DOWN,
        None,
    ]


def test_users_ramp_up_linearly_hold_and_ramp_down_to_the_end():
    users = [SEED_000.target_at(t)[0] for t in (0, 30, 150, 300, 700, 1200, 1350, 1499)]
    assert users == [1, 10, 50, 100, 100, 100, 50, 1]
    assert SEED_000.target_at(1500) is None  # Locust stops the test


def test_spawn_rate_is_at_least_what_the_ramp_needs():
    steep = Stages(users=100, ramp_up_s=5, sustain_s=20, ramp_down_s=10, spawn_rate=1)
    assert steep.target_at(1) == (20, 20.0)
    assert Stages(10, 10, 10, 10, spawn_rate=7).target_at(12) == (10, 7.0)


def test_a_profile_without_ramps_starts_every_user_at_once():
    flat = Stages(users=50, ramp_up_s=0, sustain_s=8, ramp_down_s=0, spawn_rate=1)
    assert flat.target_at(0) == (50, 50.0)
    assert flat.target_at(8) is None


def test_the_profile_round_trips_through_the_environment():
    stages = Stages(users=20, ramp_up_s=5, sustain_s=20, ramp_down_s=5, spawn_rate=2.5)
    assert stages_from_env(stages.to_env()) == stages


def test_without_a_sustain_variable_there_is_no_shape():
    assert stages_from_env({}) is None
    assert stages_from_env({"PHASEBOOK_LOAD_USERS": "10"}) is None
