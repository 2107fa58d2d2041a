"""The one error the supervisor reports to its user: a single line, then a non-zero exit."""

from __future__ import annotations


class SupervisorError(Exception):
    """Something the user must act on; the message is the whole line shown to them."""
