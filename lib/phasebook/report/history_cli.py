"""``phasebook history``: the trend of the last runs in ``outputs/`` as a table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from phasebook.errors import ConfigError
from phasebook.report.history import DEFAULT_RUNS, history_table, key_endpoints, read_runs


def add_history_parser(commands: argparse._SubParsersAction) -> None:
    history = commands.add_parser("history", help="trend of the last runs in outputs/")
    history.add_argument(
        "--outputs", type=Path, default=Path("outputs"), metavar="DIR", help="default outputs/"
    )
    history.add_argument(
        "-n", "--runs", type=int, default=DEFAULT_RUNS, metavar="N", help="runs shown (default 10)"
    )


def run_history(args: argparse.Namespace) -> int:
    """Print the table; a missing directory or one without runs is a usage error."""
    outputs: Path = args.outputs
    if not outputs.is_dir():
        raise ConfigError(
            f"no outputs directory at {outputs} (run `phasebook run` first, or --outputs DIR)"
        )
    runs = read_runs(outputs, limit=max(1, args.runs))
    if not runs:
        raise ConfigError(f"no run with a results.json under {outputs} (run `phasebook run` first)")
    newest = json.loads((outputs / runs[-1].name / "results.json").read_text(encoding="utf-8"))
    print(history_table(runs, key_endpoints(newest)))
    return 0
