"""``shopstack``: start, inspect and disturb the reference platform, one process per service.

``shopstack up`` records ports and pids in ``STATE_DIR/platform.json``; every other command acts
on that file. Secrets (``SHOPSTACK_ADMIN_TOKEN``, ``SHOPSTACK_JWT_SECRET``, database passwords) are
never written there: ``shopstack start SERVICE`` reads them again from its own environment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopstack.supervisor import control, lifecycle
from shopstack.supervisor.errors import SupervisorError

_SIGNAL_ACTIONS = ("stop", "kill", "pause", "resume")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopstack", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--state-dir", type=Path, default=Path(".shopstack"))
        return sub

    up = add("up", "start every service and wait until all are healthy")
    up.add_argument("--ports", choices=("auto", "default"), default="default")
    up.add_argument("--fresh", action="store_true", help="forget all data and logs first")
    up.add_argument("--detach", action="store_true", help="return once healthy")
    add("down", "stop every service")
    add("status", "one line per service: pid, port, state")
    add("heal", "resume paused and start stopped services (undo fault injection)")
    for action in (*_SIGNAL_ACTIONS, "start"):
        add(action, f"{action} one service").add_argument("service")
    logs = add("logs", "the end of one service's log")
    logs.add_argument("service")
    logs.add_argument("-n", type=int, default=50, dest="lines")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "up":
        return lifecycle.up(
            state_dir=args.state_dir,
            auto_ports=args.ports == "auto",
            fresh=args.fresh,
            detach=args.detach,
        )
    if args.command == "down":
        return lifecycle.down(state_dir=args.state_dir)
    if args.command == "status":
        return control.status(state_dir=args.state_dir)
    if args.command == "heal":
        return control.heal(state_dir=args.state_dir)
    if args.command == "start":
        return control.start(state_dir=args.state_dir, service=args.service)
    if args.command == "logs":
        return control.logs(state_dir=args.state_dir, service=args.service, lines=args.lines)
    return control.signal_service(
        state_dir=args.state_dir, service=args.service, action=args.command
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SupervisorError as exc:
        print(f"shopstack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("shopstack: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
