"""``phasebook history``: the trend of the last runs in ``outputs/`` as a table."""

from __future__ import annotations

import argparse
from pathlib import Path

from phasebook.errors import ConfigError
from phasebook.report.history import DEFAULT_RUNS, history_table, key_endpoints_of, read_runs


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
    print(history_table(runs, key_endpoints_of(runs)))
    return 0
