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
