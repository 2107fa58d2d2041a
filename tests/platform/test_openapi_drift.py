"""The gateway's OpenAPI document is committed as ``contracts/openapi.json``: any change to
the public API shows up as a diff in review, and this test fails until the file is updated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shopstack.gateway.app import create_app

COMMITTED = Path(__file__).resolve().parents[2] / "contracts" / "openapi.json"
REGENERATE = "python -m shopstack.gateway.openapi > contracts/openapi.json"


def _differences(committed: object, live: object, where: str = "#") -> list[str]:
    if isinstance(committed, dict) and isinstance(live, dict):
        found = []
        for key in sorted(set(committed) | set(live)):
            here = f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if key not in live:
                found.append(f"{here}: only in the committed file")
            elif key not in committed:
                found.append(f"{here}: only in the app")
            else:
                found += _differences(committed[key], live[key], here)
        return found
    return [] if committed == live else [f"{where}: committed {committed!r}, app {live!r}"]


def test_committed_openapi_matches_the_gateway():
    committed = json.loads(COMMITTED.read_text())
    live = create_app(max_body_bytes=1024 * 1024).openapi()
    differences = _differences(committed, live)
    assert not differences, (
        f"contracts/openapi.json is out of date ({len(differences)} differences, first: "
        f"{differences[:5]}); if the change is intended, run: {REGENERATE}"
    )


def test_drift_check_names_the_changed_field():
    committed = json.loads(COMMITTED.read_text())
    changed = json.loads(json.dumps(committed))
    changed["components"]["schemas"]["CartPublic"]["properties"]["total_price"]["type"] = "string"
    assert _differences(committed, changed) == [
        "#/components/schemas/CartPublic/properties/total_price/type: "
        "committed 'number', app 'string'"
    ]


@pytest.mark.e2e  # a fresh interpreter; the two checks above run in the fast tier
def test_regeneration_command_prints_the_committed_document():
    printed = subprocess.run(
        [sys.executable, "-m", "shopstack.gateway.openapi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert printed.stdout == COMMITTED.read_text()
