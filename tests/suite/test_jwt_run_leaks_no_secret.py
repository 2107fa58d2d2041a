"""A whole run in JWT mode passes and leaves neither the secret nor any token in its outputs.

45_tenant_isolation is in it because its tenants are persona fields that the params send as a
header in mock mode and as a JWT claim here: the same notebook must pass in both."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from suite_cli import run_phasebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-suite")]

REPO = Path(__file__).resolve().parents[2]


def test_jwt_mode_run_passes_and_writes_no_secret_or_token(tmp_path):
    secret = "jwt-" + secrets.token_hex(16)
    env = {**os.environ, "SHOPSTACK_AUTH_MODE": "jwt", "SHOPSTACK_JWT_SECRET": secret}
    out = tmp_path / "run"
    result = run_phasebook(
        "--embedded",
        "-k",
        "03_cart",
        "-k",
        "05_checkout",
        "-k",
        "45_tenant_isolation",
        "--jobs",
        "2",
        "--out",
        str(out),
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p for p in out.iterdir() if p.is_file())
    assert {p.suffix for p in written} >= {".ipynb", ".html", ".xml", ".json"}
    assert (out / "45_tenant_isolation.ipynb").is_file()
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert secret not in text, f"the JWT secret leaked into {path.name}"
        assert "eyJhbGciOi" not in text, f"a bearer token leaked into {path.name}"
    assert secret not in result.stdout + result.stderr
