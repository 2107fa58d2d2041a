"""``python -m tests.apps.conduit --port 8000 [--host 127.0.0.1] [--db FILE]``.

Needs ``CONDUIT_JWT_SECRET`` in the environment. ``--db`` (default ``./conduit.db``) sets
``CONDUIT_DATABASE_URL`` to that SQLite file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

from .app import create_app
from .settings import DATABASE_VAR, Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.apps.conduit")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", type=Path, help="SQLite file (default: ./conduit.db)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.db:
        env[DATABASE_VAR] = f"sqlite:///{args.db.resolve()}"
    try:
        settings = Settings.from_env(env)
    except SettingsError as exc:
        print(f"conduit: {exc}", file=sys.stderr)
        return 2
    print(f"conduit: http://{args.host}:{args.port} on {settings.database_url}", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
