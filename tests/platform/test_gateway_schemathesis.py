"""Property-based tests of the whole gateway from its own /openapi.json: every schemathesis
check (no 5xx, status codes, content types and bodies as documented, schema-valid data
accepted, schema-violating data rejected, 405 with Allow, ...) over the examples, coverage,
fuzzing and stateful phases (the document's OpenAPI links), bounded for CI (< 90 s here).

The run has a platform of its own with an admin token, so the admin routes are exercised
too without their products reaching the session platform. schemathesis runs as its CLI (its
pytest plugin does not load fixtures under pytest 9); one worker, because hypothesis'
lambda-source cache is not thread-safe ("AST constructor recursion depth mismatch" with two).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ADMIN = "schemathesis-" + secrets.token_hex(6)
SEED = os.environ.get("SHOPSTACK_TEST_SCHEMATHESIS_SEED", "3")
MAX_EXAMPLES = "15"
CI_BUDGET_S = 90


def _cli(state_dir: Path, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shopstack.cli", *args, "--state-dir", str(state_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    env["SHOPSTACK_ADMIN_TOKEN"] = ADMIN
    state_dir = tmp_path_factory.mktemp("schemathesis")
    _cli(state_dir, "up", "--ports", "auto", "--fresh", "--detach", env=env)
    try:
        yield json.loads((state_dir / "platform.json").read_text())["gateway_url"]
    finally:
        _cli(state_dir, "down", env=env)


def _schemathesis(gateway_url: str, workdir: Path) -> tuple[subprocess.CompletedProcess, float]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        gateway_url + "/openapi.json",
        "--header",
        f"Authorization: Bearer {ADMIN}",  # mock auth ignores it; the admin routes need it
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--mode",
        "all",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--request-timeout",
        "10",
        "--workers",
        "1",
    ]
    env = {**os.environ, "HOME": str(workdir), "SCHEMATHESIS_HOOKS": ""}
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env, cwd=workdir)
    return run, time.monotonic() - started


@pytest.mark.slow
def test_gateway_conforms_to_its_openapi_under_every_check_and_phase(gateway_url, tmp_path):
    run, elapsed = _schemathesis(gateway_url, tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-8000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases, output[-3000:]
    assert cases.group(1) == cases.group(2), output[-3000:]
    assert int(cases.group(1)) > 500, f"too few cases to mean anything: {cases.group(0)}"
    assert "Unresolvable references" not in output, output[-3000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, f"{phase} phase did not pass:\n{output[-3000:]}"
    assert elapsed < CI_BUDGET_S, f"schemathesis took {elapsed:.0f} s (budget {CI_BUDGET_S} s)"
    print(f"schemathesis: {cases.group(0)} in {elapsed:.1f} s (seed {SEED})")
