"""Fixtures of the JupyterLab tests: the environment of a user who exported nothing."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without any SHOPSTACK_/PHASEBOOK_ variable (no token, no params), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPSTACK_", "PHASEBOOK_"))}
    return {**env, **extra}
