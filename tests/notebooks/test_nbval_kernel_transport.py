"""Under phasebook's nbval plugin, kernels listen on Unix sockets, not on TCP ports that
jupyter_client picks and frees before the kernel binds them (a port another process can take
in between: "Kernel died before replying to kernel_info" in CI beside the load tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_nbval_kernels_use_unix_sockets(tmp_path):
    cell = new_code_cell(
        "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)",
        outputs=[new_output("stream", name="stdout", text="ipc\n")],
        execution_count=1,
    )
    notebook = tmp_path / "transport.ipynb"
    nbformat.write(new_notebook(cells=[cell]), notebook)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval"]
    command += ["-o", "addopts=", "--phasebook-platform=fresh", str(notebook)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
