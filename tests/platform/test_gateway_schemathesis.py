"""Property-based tests of the gateway's public routes from its own /openapi.json: no 5xx,
and every answer (status, content type, body) is what the document says.

Runs the schemathesis CLI (its pytest plugin does not load fixtures under pytest 9), bounded
to a few examples per operation so it takes well under a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MY_ROUTES = r"^/(health|api/v1/(products|cart|admin))"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


@pytest.mark.slow
def test_gateway_conforms_to_its_openapi(platform, tmp_path):
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        platform["gateway_url"] + "/openapi.json",
        "--checks",
        CHECKS,
        "--include-path-regex",
        MY_ROUTES,
        "--max-examples",
        "15",
        "--phases",
        "examples,fuzzing",
        "--mode",
        "all",
        "--request-timeout",
        "10",
        "--workers",
        "2",
    ]
    env = {**os.environ, "HOME": str(tmp_path), "SCHEMATHESIS_HOOKS": ""}
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
