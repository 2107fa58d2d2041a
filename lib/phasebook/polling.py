"""``eventually``: poll until an eventually-consistent effect shows up.

The clock and the sleep are injectable, so tests run on a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from .display import shorten
from .errors import EventuallyTimeout

T = TypeVar("T")


def eventually(
    fn: Callable[[], T],
    *,
    until: Callable[[T], Any] | None = None,
    timeout: float = 10.0,
    interval: float = 0.1,
    description: str | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_success: Callable[[str, float], None] | None = None,
) -> T:
    """Call ``fn`` until its value is truthy (or ``until(value)`` is), and return the value.

    Exceptions raised by ``fn`` count as "not yet"; the last one is reported on timeout.
    ``on_success(description, seconds)`` receives the convergence time.
    Raises :class:`EventuallyTimeout` with the last value, last error and elapsed seconds.
    """
    label = description or getattr(fn, "__name__", "condition")
    accept = until or bool
    start = clock()
    attempts = 0
    last_value: Any = None
    last_error: BaseException | None = None
    while True:
        attempts += 1
        try:
            last_value, last_error = fn(), None
            if accept(last_value):
                elapsed = clock() - start
                if on_success is not None:
                    on_success(label, elapsed)
                return last_value
        except Exception as exc:  # polling treats any failure as "not yet"
            last_error = exc
        elapsed = clock() - start
        if elapsed >= timeout:
            break
        sleep(min(interval, max(timeout - elapsed, 0.0)))
    raise _timeout(label, timeout, elapsed, attempts, last_value, last_error)


def _timeout(label, timeout, elapsed, attempts, last_value, last_error) -> EventuallyTimeout:
    observed = (
        f"last error {type(last_error).__name__}: {shorten(str(last_error), 200)}"
        if last_error is not None
        else f"last value {shorten(repr(last_value), 200)}"
    )
    return EventuallyTimeout(
        f"{label}: not reached after {elapsed:.2f} s ({attempts} attempts, timeout "
        f"{timeout:g} s); {observed} — is the consumer running? raise the timeout in "
        "params timeouts.eventually_s if the platform is just slow",
        last_value=last_value,
        last_error=last_error,
        elapsed=elapsed,
    )
