"""The ``phasebook`` command: thin argument parsing over :mod:`phasebook.runner`.

Exit codes: 0 all passed, 1 a check or a cell failed, 2 bad usage or params,
3 platform unreachable, 130 interrupted. Expected failures print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from phasebook.errors import AuthError, ConfigError, PlatformUnreachable
from phasebook.params import find_repo_root
from phasebook.redact import is_secret_name
from phasebook.report.console import print_failed_checks
from phasebook.report.history_cli import add_history_parser, run_history
from phasebook.runner.suite import DEFAULT_TIMEOUT, RunOptions, run_suite
from phasebook.scaffold import add_init_parser, run_init

EXIT_USAGE, EXIT_UNREACHABLE, EXIT_INTERRUPTED = 2, 3, 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ConfigError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="phasebook", description="Integration-test plans as notebooks.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add_init_parser(commands)
    add_history_parser(commands)
    run = commands.add_parser("run", help="execute the notebook suite and write a report")
    run.add_argument("--params", default="params/local.yaml", help="params file (YAML)")
    run.add_argument("--embedded", action="store_true", help="start a fresh shopstack for the run")
    run.add_argument(
        "-k",
        dest="patterns",
        action="append",
        default=[],
        metavar="PATTERN",
        help="select notebooks by substring or glob (repeatable: union)",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=1,
        metavar="N",
        help="notebooks executed in parallel (default 1)",
    )
    run.add_argument("--out", type=Path, metavar="DIR", help="default outputs/<YYYYmmdd-HHMMSS>/")
    run.add_argument(
        "--timeout",
        type=_positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds allowed per notebook (default {DEFAULT_TIMEOUT:g})",
    )
    run.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="papermill parameter for every notebook (never a secret)",
    )
    run.add_argument("--notebooks", type=Path, metavar="DIR", help="default notebooks/")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def parse_parameter(name: str, raw: str) -> object:
    """A ``-p NAME VALUE`` value: YAML scalars/lists/maps (``11``, ``true``), else the text."""
    if is_secret_name(name):
        raise ConfigError(
            f"-p {name}: parameters are copied into the executed notebook; pass secrets "
            "through the params file (${ENV_VAR}) instead"
        )
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, str | int | float | bool | list | dict | None) else raw


def options_from_args(args: argparse.Namespace, cwd: Path) -> RunOptions:
    root = find_repo_root(cwd)
    params = args.params if Path(args.params).is_absolute() else root / args.params
    out = args.out if args.out is None or args.out.is_absolute() else cwd / args.out
    notebooks = args.notebooks or root / "notebooks"
    return RunOptions(
        root=root,
        params_file=Path(params),
        notebooks_dir=notebooks if notebooks.is_absolute() else cwd / notebooks,
        out_dir=out,
        patterns=tuple(args.patterns),
        parameters={name: parse_parameter(name, raw) for name, raw in args.parameters},
        jobs=args.jobs,
        timeout=args.timeout,
        embedded=args.embedded,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``phasebook`` console script; returns the exit code."""
    signal.signal(signal.SIGTERM, _interrupt)  # CI cancels with SIGTERM: clean up as on Ctrl-C
    try:
        args = build_parser().parse_args(argv)
        if args.command == "init":
            return run_init(args)
        if args.command == "history":
            return run_history(args)
        options = options_from_args(args, Path.cwd())
        outcome = run_suite(options)
        print_failed_checks(outcome.results)  # after the summary table: one line per failure
        return outcome.exit_code
    except ConfigError as exc:
        return _fail(EXIT_USAGE, str(exc))
    except (PlatformUnreachable, AuthError) as exc:
        return _fail(EXIT_UNREACHABLE, str(exc))
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "interrupted; workers stopped, embedded platform down")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(code: int, message: str) -> int:
    print(f"phasebook: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
