import subprocess
import sys
import textwrap

from phasebook.errors import PlatformUnreachable
from phasebook.tracebacks import install_short_tracebacks, short_traceback


class FakeShell:
    def __init__(self):
        self.custom_exceptions = ()
        self.shown = []

    def set_custom_exc(self, exceptions, handler):
        self.custom_exceptions = exceptions
        self.handler = handler

    def _showtraceback(self, etype, value, stb):
        self.shown.append(stb)


def test_handler_shows_one_line():
    shell = FakeShell()
    error = PlatformUnreachable("cannot reach GET http://x/health")
    short_traceback(shell, PlatformUnreachable, error, None)
    [[line]] = shell.shown
    assert line.endswith("PlatformUnreachable\x1b[0m: cannot reach GET http://x/health")


def test_install_is_a_no_op_outside_ipython():
    assert install_short_tracebacks() is False


def test_in_ipython_the_cell_still_fails_with_a_short_traceback():
    code = textwrap.dedent("""
        from IPython.core.interactiveshell import InteractiveShell
        from phasebook.tracebacks import install_short_tracebacks
        shell = InteractiveShell.instance()
        assert install_short_tracebacks()
        result = shell.run_cell("from phasebook.errors import ApiError\\n"
                                "def deep():\\n    raise ApiError('boom at /x')\\ndeep()")
        print("FAILED" if result.error_in_exec is not None else "PASSED")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert "FAILED" in output and "boom at /x" in output
    assert "def deep" not in output and "Traceback" not in output


def test_real_kernel_gets_check_outputs_and_a_one_line_checks_failed(tmp_path):
    import nbformat
    import pytest
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbformat.v4 import new_code_cell, new_notebook

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "p.yaml").write_text("platform: {base_url: 'http://127.0.0.1:9'}\n")
    notebook = new_notebook(
        cells=[
            new_code_cell(
                f"import os; os.chdir({str(tmp_path)!r}); os.environ['PHASEBOOK_PARAMS'] "
                "= 'p.yaml'\nimport phasebook\ns = phasebook.session('nb', user_id=5)"
            ),
            new_code_cell("s.test('1.1', 'demo')\ns.checks.equal('answer', 41, 42)"),
            new_code_cell("s.finish()"),
        ]
    )
    client = NotebookClient(notebook, timeout=60, kernel_name="python3")
    with pytest.raises(CellExecutionError):
        client.execute()
    check_cell, finish_cell = notebook.cells[1], notebook.cells[2]
    check = [
        o for o in check_cell.outputs if "application/vnd.phasebook.check+json" in o.get("data", {})
    ]
    assert check[0]["data"]["application/vnd.phasebook.check+json"]["status"] == "failed"
    # heading and check only: the check's return value adds no "False" execute_result
    assert [o["output_type"] for o in check_cell.outputs] == ["display_data", "display_data"]
    kinds = [o["output_type"] for o in finish_cell.outputs]
    assert kinds == ["display_data", "error"]
    error = finish_cell.outputs[1]
    assert error["ename"] == "ChecksFailed" and len(error["traceback"]) == 1
    assert "1 check(s) failed in nb, tests 1.1" in error["traceback"][0]
    nbformat.validate(notebook)
