"""Redaction of everything a Jupyter kernel sends out: the last line of defence.

The library redacts what it displays itself, but a notebook may ``print(r.json)`` or show a
dict holding a token it just obtained. :func:`redact_kernel_output` wraps the running
IPython kernel so that stdout/stderr, display data, execute results and tracebacks pass
through every session's :class:`Redactor` before they leave the kernel. Values inside the
kernel are never touched: only what is shown (and so what papermill writes) is masked.
Outside IPython it does nothing.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

from .redact import Redactor

_redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()
_installed_on: set[int] = set()


def mask_text(text: str) -> str:
    """``text`` with the secrets of every live session masked."""
    for redactor in list(_redactors):
        text = redactor.text(text)
    return text


def mask_value(value: Any) -> Any:
    """A JSON-like value with the secrets of every live session masked."""
    for redactor in list(_redactors):
        value = redactor.value(value)
    return value


class _MaskedStream:
    """A stdout/stderr proxy that masks secrets in every write."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(mask_text(text) if isinstance(text, str) else text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redact_kernel_output(redactor: Redactor) -> bool:
    """Mask ``redactor``'s secrets in all output of the running kernel (False: no kernel)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_pub"):
        return False
    _redactors.add(redactor)
    if id(shell) in _installed_on:
        return True
    _installed_on.add(id(shell))
    _wrap_streams()
    _wrap_display(shell)
    _wrap_tracebacks(shell)
    return True


def _wrap_streams() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, _MaskedStream):
            setattr(sys, name, _MaskedStream(stream))


def _wrap_display(shell: Any) -> None:
    publish = shell.display_pub.publish

    def masked_publish(data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> Any:
        return publish(mask_value(data), mask_value(metadata), *args, **kwargs)

    shell.display_pub.publish = masked_publish
    hook = shell.displayhook
    write = getattr(hook, "write_format_data", None)
    if write is not None:

        def masked_write(format_dict: Any, md_dict: Any = None) -> Any:
            return write(mask_value(format_dict), mask_value(md_dict))

        hook.write_format_data = masked_write


def _wrap_tracebacks(shell: Any) -> None:
    show = shell._showtraceback

    def masked_showtraceback(etype: Any, evalue: Any, stb: Any) -> Any:
        masked = [mask_text(line) for line in stb]
        text = mask_text(str(evalue))  # ipykernel sends str(evalue): a str is as good
        return show(etype, evalue if text == str(evalue) else text, masked)

    shell._showtraceback = masked_showtraceback
