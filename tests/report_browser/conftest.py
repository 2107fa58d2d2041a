"""One real run, made once per session, and a headless Chromium to look at its report.

The run: seed 002's eight phase notebooks, the load phase (short profile, thresholds it can
meet on a shared 2-core machine) and ``fixtures/09_deliberate_failure.ipynb``, whose expected
cart total is wrong on purpose, on a fresh embedded shopstack. Its report and the browser's
screenshots stay in ``outputs/report-browser/`` (or ``$PHASEBOOK_BROWSER_ARTIFACTS``) for a
person to look at; the next session replaces them.

Chromium is the system one (``/usr/bin/chromium``; Debian package ``chromium``): Playwright
never downloads a browser here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOTEBOOKS = [*sorted((REPO / "notebooks").glob("0[1-8]_*.ipynb")), REPO / "notebooks/20_load.ipynb"]
LOAD = {
    "ramp_up_s": "2",
    "sustain_s": "6",
    "ramp_down_s": "1",
    "read_s": "3",
    "users": "10",
    "min_orders_per_min": "1",
    "min_read_rps": "1",
    # capacity of a shared machine is not what the report tests look at (20_load failed
    # two of these in a CI run beside other suites)
    "read_p99_ms": "5000",
    "checkout_p95_ms": "10000",
    "max_cpu_pct": "400",
}
RUN_TIMEOUT_S = 900


@dataclass
class Run:
    out: Path
    artifacts: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float = 0.0
    sizes: dict[str, int] = field(default_factory=dict)


def _artifacts() -> Path:
    return Path(os.environ.get("PHASEBOOK_BROWSER_ARTIFACTS", REPO / "outputs" / "report-browser"))


@pytest.fixture(scope="session")
def failing_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The run described in the module doc (about 2 minutes on 2 shared cores).

    The run and its notebooks live in this process's temp dir; only screenshots, logs and sizes
    go to the shared artifacts folder. A CI log showed two runs in one shared folder, the second
    deleting the first's files under it (FileNotFoundError in 20_load)."""
    import time

    artifacts = _artifacts()
    artifacts.mkdir(parents=True, exist_ok=True)
    work = tmp_path_factory.mktemp("report-browser")
    notebooks = work / "notebooks"
    notebooks.mkdir()
    for source in [*NOTEBOOKS, FIXTURES / "09_deliberate_failure.ipynb"]:
        shutil.copy(source, notebooks / source.name)
    out = work / "run"
    params = [arg for name, value in LOAD.items() for arg in ("-p", name, value)]
    command = [sys.executable, "-m", "phasebook.cli", "run", "--embedded", "--jobs", "2"]
    command += ["--notebooks", str(notebooks), "--out", str(out), *params]
    started = time.monotonic()
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, timeout=RUN_TIMEOUT_S, check=False
    )
    (artifacts / "stdout.txt").write_text(done.stdout)
    (artifacts / "stderr.txt").write_text(done.stderr)
    sizes = {p.name: p.stat().st_size for p in out.iterdir()} if out.is_dir() else {}
    return Run(
        out, artifacts, done.returncode, done.stdout, done.stderr, time.monotonic() - started, sizes
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Page:
    """A loaded page and what it did: every request URL and every console error."""

    page: object
    requests: list[str]
    console_errors: list[str]


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(path: Path) -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri(), wait_until="load", timeout=30_000)
        return Page(page, requests, errors)

    yield opener
    for context in contexts:
        context.close()
