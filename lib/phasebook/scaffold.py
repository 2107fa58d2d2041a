"""``phasebook init DIR --base-url URL [--auth MODE]``: a new suite for another platform.

Writes ``DIR/params.yaml`` (commented, the chosen auth mode's section), ``DIR/notebooks/
01_smoke.ipynb`` (a tagged ``parameters`` cell, a session, one request, one check,
``s.finish()``) and ``DIR/README.md`` with the commands to run it. Refuses a non-empty DIR.
Templates: ``templates/init/``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

TEMPLATES = Path(__file__).resolve().parent / "templates" / "init"
INIT_MODES = ("none", "header", "bearer", "jwt", "login", "cookie", "oauth2")
#: Modes whose requests are made as a persona (``users:`` in params, ``user=`` in the session).
PERSONA_MODES = ("jwt", "login", "cookie")
_REQUIRED_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Suite:
    """What ``init`` wrote."""

    directory: Path
    params: Path
    notebook: Path
    readme: Path
    env_vars: tuple[str, ...]


def add_init_parser(commands: argparse._SubParsersAction) -> None:
    """The ``init`` sub-command of ``phasebook``."""
    init = commands.add_parser("init", help="scaffold a suite for a new platform")
    init.add_argument("directory", type=Path, metavar="DIR", help="new or empty directory")
    init.add_argument("--base-url", required=True, metavar="URL", help="the platform's URL")
    init.add_argument(
        "--auth",
        default="none",
        choices=INIT_MODES,
        metavar="MODE",
        help=f"how requests authenticate: {', '.join(INIT_MODES)} (default none)",
    )


def run_init(args: argparse.Namespace) -> int:
    """``phasebook init``: write the suite and say what to do next (exit 0)."""
    suite = init_suite(args.directory, base_url=args.base_url, mode=args.auth)
    print(f"phasebook: wrote {suite.params}, {suite.notebook} and {suite.readme}")
    if suite.env_vars:
        print(f"  export {' '.join(v + '=...' for v in suite.env_vars)}")
    print(
        f'  cd {suite.directory} && phasebook run --params "$PWD/params.yaml" --notebooks notebooks'
    )
    return 0


def init_suite(directory: Path, *, base_url: str, mode: str = "none") -> Suite:
    """Write a new suite into ``directory`` (ConfigError when it is not empty)."""
    base_url = _checked_url(base_url)
    if mode not in INIT_MODES:
        raise ConfigError(f"--auth {mode}: expected one of {', '.join(INIT_MODES)}")
    directory = _empty_directory(Path(directory))
    params_text = _render_params(base_url, mode)
    env_vars = _required_variables(params_text)
    persona = "tester" if mode in PERSONA_MODES else None
    params = directory / "params.yaml"
    params.write_text(params_text, encoding="utf-8")
    notebook = directory / "notebooks" / "01_smoke.ipynb"
    notebook.parent.mkdir()
    notebook.write_text(_smoke_notebook(base_url, persona), encoding="utf-8")
    readme = directory / "README.md"
    readme.write_text(
        _render(
            "README.md.j2",
            name=directory.name,
            base_url=base_url,
            mode=mode,
            persona=persona,
            env_vars=env_vars,
        ),
        encoding="utf-8",
    )
    return Suite(directory, params, notebook, readme, env_vars)


def _required_variables(params_text: str) -> tuple[str, ...]:
    """``${VAR}`` names (without a default) in the YAML lines, not in its comments."""
    lines = (line for line in params_text.splitlines() if not line.lstrip().startswith("#"))
    return tuple(dict.fromkeys(_REQUIRED_VAR.findall("\n".join(lines))))


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--base-url {url!r}: expected an http(s) URL such as http://127.0.0.1:8000"
        )
    return url.rstrip("/")


def _empty_directory(directory: Path) -> Path:
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"init {directory}: is a file — give a new or empty directory")
    if directory.is_dir() and any(directory.iterdir()):
        count = sum(1 for _ in directory.iterdir())
        raise ConfigError(
            f"init {directory}: directory is not empty ({count} entries) — phasebook init "
            "never overwrites; give a new or empty directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _render_params(base_url: str, mode: str) -> str:
    auth_section = (TEMPLATES / f"auth_{mode}.yaml").read_text(encoding="utf-8")
    description = f"{base_url} ({mode} auth), scaffolded by phasebook init"
    return _render(
        "params.yaml.j2", base_url=base_url, description=description, auth_section=auth_section
    )


def _render(template: str, **values: object) -> str:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template(template).render(**values)


def _smoke_notebook(base_url: str, persona: str | None) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    who = f" as persona `{persona}`" if persona else ""
    parameters = ['smoke_path = None  # None: vars["smoke_path"] of params.yaml']
    session_args = '"01_smoke"'
    if persona:
        parameters.append("user = None  # a persona of params.yaml's users: (None: the default)")
        session_args += ", user=user"
    cells = [
        new_markdown_cell(
            f"# 01 — Smoke test\n\nThe platform at {base_url} answers a request{who} "
            "without a server error. Copy this notebook for each phase of your plan: "
            "one markdown cell per test, one cell that acts, one that checks."
        ),
        new_code_cell("\n".join(parameters), metadata={"tags": ["parameters"]}),
        new_code_cell(
            f"import phasebook\n\ns = phasebook.session({session_args})\n"
            'path = smoke_path or s.vars["smoke_path"]\nprint(s)'
        ),
        new_markdown_cell(
            "### Test 1.1 — The platform answers\n**Purpose:** the base URL, the "
            "network path and the credentials in params.yaml work."
        ),
        new_code_cell('s.test("1.1", "The platform answers")\nr = s.api.get(path)\nr'),
        new_code_cell(
            's.checks.true("answered without a server error", r.status < 500, '
            'f"GET {path} → {r.status}")'
        ),
        new_markdown_cell("## Summary"),
        new_code_cell("s.finish()"),
    ]
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    return nbformat.writes(notebook)
