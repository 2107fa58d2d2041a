"""Inside a real kernel, secrets are masked in every output while values stay intact."""

import json

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

pytestmark = pytest.mark.slow

SECRET = "tok-0123456789-secret"

CELLS = [
    "from phasebook.redact import Redactor\n"
    "from phasebook.kernel_output import redact_kernel_output\n"
    "red = Redactor()\n"
    "assert redact_kernel_output(red)\n"
    f"red.register({SECRET!r})",
    f"value = 'tok-0123456789' + '-secret'\nprint(value, value == {SECRET!r})",
    "import sys; print('err', value, file=sys.stderr)",
    "{'token': value}",
    "from IPython.display import display, HTML\ndisplay(HTML('<b>' + value + '</b>'))",
    "raise ValueError('bad ' + value)",
]


def test_prints_displays_results_and_tracebacks_are_masked_in_the_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    client = NotebookClient(
        nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError):
        client.execute()
    written = json.dumps([cell.get("outputs", []) for cell in nb.cells])
    assert SECRET not in written
    assert "*** True" in written  # the value compared equal inside the kernel
    assert "err ***" in written and "'token': '***'" in written and "<b>***</b>" in written
    assert "bad ***" in written
