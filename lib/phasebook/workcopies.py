"""Working copies of the committed notebooks, for JupyterLab (``make lab``).

JupyterLab saves (and autosaves) what it runs, so a debugging session on ``notebooks/`` would
rewrite the committed, nbval-guarded notebooks. ``make lab`` serves a git-ignored folder of
copies instead (``lab/`` by default); ``make notebooks`` stays the only way to re-save the
committed ones.

On every start the copies are refreshed from ``notebooks/``:

- a notebook that has no copy yet is copied;
- a copy whose cell sources are those of the committed version it was made from (it may have
  outputs: running is not editing) takes the new committed version;
- a copy you edited is kept, and the refresh says so; ``--refresh`` (``make lab REFRESH=1``)
  replaces every copy with the committed version.

The committed version each copy was made from is kept in ``<folder>/.baseline/``.

    python -m phasebook.workcopies notebooks lab [--refresh]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

BASELINE = ".baseline"


def refresh(source: Path, folder: Path, *, force: bool = False) -> list[str]:
    """Bring the copies in ``folder`` up to date with ``source``; one line per notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BASELINE).mkdir(exist_ok=True)
    return [_refresh_one(nb, folder, force=force) for nb in sorted(source.glob("*.ipynb"))]


def _refresh_one(committed: Path, folder: Path, *, force: bool) -> str:
    copy, baseline = folder / committed.name, folder / BASELINE / committed.name
    name = committed.name
    if force or not copy.exists():
        _take(committed, copy, baseline)
        return f"{name}: copied" if not force else f"{name}: replaced by the committed version"
    if baseline.exists() and _sources(copy) == _sources(baseline):
        if committed.read_bytes() == baseline.read_bytes():
            return f"{name}: up to date"
        _take(committed, copy, baseline)
        return f"{name}: updated from notebooks/"
    if baseline.exists() and committed.read_bytes() == baseline.read_bytes():
        return f"{name}: kept your edits"
    return f"{name}: kept your edits (notebooks/ changed too: `make lab REFRESH=1` takes it)"


def _take(committed: Path, copy: Path, baseline: Path) -> None:
    shutil.copyfile(committed, copy)
    shutil.copyfile(committed, baseline)


def _sources(path: Path) -> list[tuple[str, str]] | None:
    """The cells' types and sources (outputs and metadata ignored); None when unreadable."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    return [(c.get("cell_type", ""), "".join(c.get("source", ""))) for c in cells]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m phasebook.workcopies", description=__doc__.splitlines()[0]
    )
    parser.add_argument("source", type=Path, help="the committed notebooks (notebooks/)")
    parser.add_argument("folder", type=Path, help="the working copies (git-ignored)")
    parser.add_argument("--refresh", action="store_true", help="replace every copy")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"workcopies: {args.source} is not a directory", file=sys.stderr)
        return 2
    for line in refresh(args.source, args.folder, force=args.refresh):
        if not line.endswith("up to date"):
            print(f"{args.folder}/{line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
