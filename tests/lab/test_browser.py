"""JupyterLab in a real browser: the explorer answers, and re-run cells keep s.finish() exact.

`make lab` itself starts the platform and JupyterLab (on working copies, free ports, a known
token); Playwright drives the system Chromium (never a downloaded browser). Screenshots land
in ``outputs/lab-browser/`` (or ``$PHASEBOOK_LAB_BROWSER_ARTIFACTS``), beside the report
browser test's, and the folder is printed at the end.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import BIN, ROOT, clean_env
from .jupyter_server import free_port, start_make_lab, wait_until_serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUMMARY = re.compile(r"05_checkout: \d+ passed[^\n<]*")
# Cells by id (JupyterLab renders only the cells near the viewport; ids survive edits that
# move cells): 5.1's backend check cell (re-run after 5.2 ran), 5.2's check cell, s.finish().
RERUN = ("cc050b0a", "841524b6")
FINISH = "6965e28e"
# Lab's "get notified about official Jupyter news?" toast would cover the screenshots.
QUIET_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no {CHROMIUM}: apt-get install -y chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(
        os.environ.get("PHASEBOOK_LAB_BROWSER_ARTIFACTS", ROOT / "outputs" / "lab-browser")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on free ports with a known token: yields (base URL, token, state dir, the
    working copies' folder)."""
    work = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps(QUIET_SETTINGS))
    lab_args = (  # its own workspaces and settings: the user's are neither read nor written
        f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token} "
        f"--LabApp.expose_app_in_browser=True --LabApp.workspaces_dir={work / 'workspaces'} "
        f"--LabApp.user_settings_dir={work / 'settings'}"
    )
    log = work / "make-lab.log"
    proc = start_make_lab(
        lab_dir=work / "lab", state_dir=work / "state", port=port, lab_args=lab_args, log=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, token, proc, log)
        yield base, token, work / "state", work / "lab"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # bash's EXIT trap runs `shopstack down`
        try:
            proc.wait(timeout=60)
        finally:
            subprocess.run(
                [str(BIN / "shopstack"), "down", "--state-dir", str(work / "state")],
                capture_output=True,
                timeout=60,
            )


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def open_notebook(page, base: str, token: str, name: str) -> None:
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}")  # reset: only this notebook open
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    page.wait_for_function(  # the kernel is up and idle
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session"
        " && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.status === 'idle'; }"
    )


def command(page, name: str) -> None:
    """Run a JupyterLab command, as its menu item or shortcut does."""
    page.evaluate("name => window.jupyterapp.commands.execute(name)", name)


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


NOTEBOOK_JS = "window.jupyterapp.shell.currentWidget.content"


def cell_index(page, cell_id: str) -> int:
    """The index of the cell with this id in the open notebook's model."""
    index = page.evaluate(
        f"id => {{ const cells = {NOTEBOOK_JS}.model.cells;"
        " for (let i = 0; i < cells.length; i++) { if (cells.get(i).id === id) return i; }"
        " return -1; }",
        cell_id,
    )
    assert index >= 0, f"no cell {cell_id} in the notebook"
    return index


def rerun_cell(page, cell_id: str) -> int:
    """Select the cell and run it in place ("Run Selected Cell", Ctrl+Enter's command), as a
    user does; wait for its new execution count, which is returned. Cells are reached through
    the notebook model: JupyterLab renders only the cells near the viewport."""
    index = cell_index(page, cell_id)
    before = page.evaluate(f"i => {NOTEBOOK_JS}.model.cells.get(i).executionCount", index)
    page.evaluate(
        f"i => {{ const nb = {NOTEBOOK_JS}; nb.activeCellIndex = i; nb.mode = 'command';"
        " nb.scrollToItem(i); }",
        index,
    )
    command(page, "notebook:run-cell")
    page.wait_for_function(
        f"([i, before]) => {{ const c = {NOTEBOOK_JS}.model.cells.get(i);"
        " return c.executionCount !== null && c.executionCount !== before; }",
        arg=[index, before],
    )
    return page.evaluate(f"i => {NOTEBOOK_JS}.model.cells.get(i).executionCount", index)


def finish_line(page) -> str:
    finish_cell = cell_index(page, FINISH)
    page.wait_for_function(
        f"i => /05_checkout: \\d+ passed/.test("
        f"JSON.stringify({NOTEBOOK_JS}.model.cells.get(i).toJSON().outputs))",
        arg=finish_cell,
        timeout=300_000,
    )
    outputs = page.evaluate(f"i => {NOTEBOOK_JS}.model.cells.get(i).toJSON().outputs", finish_cell)
    text = "\n".join("".join((o.get("data") or {}).get("text/plain", "")) for o in outputs)
    found = SUMMARY.search(text)
    assert found, text[-2000:]
    page.evaluate(f"i => {NOTEBOOK_JS}.scrollToItem(i)", finish_cell)
    return found.group(0).strip()


def headless_finish_line(state_dir, tmp_path) -> str:
    out = tmp_path / "headless.ipynb"
    env = clean_env(SHOPSTACK_STATE_DIR=str(state_dir))
    subprocess.run(
        [str(BIN / "papermill"), "notebooks/05_checkout.ipynb", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    [finish] = [c for c in json.loads(out.read_text())["cells"] if c.get("id") == FINISH]
    for output in finish["outputs"]:
        plain = "".join(output.get("data", {}).get("text/plain", ""))
        if SUMMARY.search(plain):
            return SUMMARY.search(plain).group(0).strip()
    raise AssertionError("no s.finish() summary in the headless run")


def test_explorer_request_console_shows_the_response_card(lab, page, artifacts):
    base, token, _, _ = lab
    open_notebook(page, base, token, "explore.ipynb")
    run_all(page)
    path_box = page.locator(".widget-text:has(label:text-is('path')) input").first
    path_box.wait_for()
    path_box.fill("/api/v1/products")
    page.locator("button.widget-button:has-text('Send')").first.click()
    card = page.locator(".phasebook-response").first
    card.wait_for()
    assert "GET /api/v1/products" in card.inner_text() and "200" in card.inner_text()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "explore-console.png"), full_page=False)
    print(f"screenshots: {artifacts}")


def test_rerun_check_cells_keep_the_headless_counts(lab, page, tmp_path, artifacts):
    base, token, state_dir, lab_dir = lab
    committed = (ROOT / "notebooks" / "05_checkout.ipynb").read_bytes()
    expected = headless_finish_line(state_dir, tmp_path)
    open_notebook(page, base, token, "05_checkout.ipynb")
    try:
        run_all(page)
        assert finish_line(page) == expected
        page.screenshot(path=str(artifacts / "checkout-run-all.png"))
        counts = [rerun_cell(page, cell_id) for cell_id in RERUN]
        page.screenshot(path=str(artifacts / "checkout-rerun-5.2-check.png"))  # its new [n]
        counts.append(rerun_cell(page, FINISH))
        assert counts == sorted(counts) and len(set(counts)) == 3, counts  # three new runs
        assert finish_line(page) == expected
        command(page, "docmanager:save")  # what Lab's autosave does sooner or later
        saved = lab_dir / "05_checkout.ipynb"
        deadline = time.monotonic() + 60
        while saved.read_bytes() == committed and time.monotonic() < deadline:
            time.sleep(0.5)
        assert saved.read_bytes() != committed  # the working copy took the session's outputs
        assert expected in saved.read_text()
        assert (ROOT / "notebooks" / "05_checkout.ipynb").read_bytes() == committed
    finally:
        page.screenshot(path=str(artifacts / "checkout-after-reruns.png"))
        print(f"screenshots: {artifacts}")
