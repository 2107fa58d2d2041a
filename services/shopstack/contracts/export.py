"""Write the JSON Schemas of the event contracts to ``contracts/events/`` (repository root).

``python -m shopstack.contracts.export`` rewrites the files; ``--check`` writes nothing and
exits 1 naming every file that differs from the models (tests/platform/test_contracts.py runs
the same comparison). One file per event type holds the schema of its payload
(``checkout.completed.json``); ``delivery.json`` is the envelope a consumer receives.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shopstack.contracts.events import PAYLOADS, Delivery

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "contracts" / "events"


def _schema(model: Any, schema_id: str, title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id, **schema, "title": title}


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every event type and the delivery envelope."""
    files = {
        f"{event_type}.json": _schema(model, f"{event_type}.json", event_type)
        for event_type, model in sorted(PAYLOADS.items())
    }
    files["delivery.json"] = _schema(Delivery, "delivery.json", "event delivery")
    return files


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def drifted(directory: Path = DEFAULT_DIR) -> list[str]:
    """Files that are missing, stale, or no longer produced by any model."""
    expected = {name: render(schema) for name, schema in schemas().items()}
    present = {path.name for path in directory.glob("*.json")} if directory.is_dir() else set()
    stale = [
        name
        for name, text in expected.items()
        if name not in present or (directory / name).read_text() != text
    ]
    return sorted(stale + [name for name in present if name not in expected])


def write(directory: Path = DEFAULT_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / name
        path.write_text(render(schema))
        written.append(path)
    for path in directory.glob("*.json"):
        if path not in written:
            path.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shopstack.contracts.export", description=__doc__
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="target directory")
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        stale = drifted(args.dir)
        for name in stale:
            print(
                f"{args.dir / name}: differs from shopstack.contracts; run "
                "python -m shopstack.contracts.export",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in write(args.dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
