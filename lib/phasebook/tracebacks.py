"""Short tracebacks in notebooks: a PhasebookError is shown as one readable line.

Installed by ``session()`` when running under IPython. The cell still fails (the kernel
reports an error, so papermill and nbval mark the notebook failed); only the 20-frame
traceback through httpx or SQLAlchemy is left out. ``%tb`` still shows the full one.
"""

from __future__ import annotations

from typing import Any

from .errors import PhasebookError


def short_traceback(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset=None):
    """IPython custom exception handler: show ``Name: message`` and nothing else."""
    lines = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"]
    shell._showtraceback(etype, value, lines)
    return None


def install_short_tracebacks() -> bool:
    """Register :func:`short_traceback` for PhasebookError in the running IPython, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None:
        return False
    if PhasebookError not in getattr(shell, "custom_exceptions", ()):
        shell.set_custom_exc((PhasebookError,), short_traceback)
    return True
