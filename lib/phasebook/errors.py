"""The one exception tree of phasebook.

Every error a notebook user can meet derives from :class:`PhasebookError`, and every
message says what failed, where, and what to do about it. Errors from httpx, SQLAlchemy,
YAML or subprocess are translated where they cross into phasebook (``raise ... from exc``).
"""

from __future__ import annotations


class PhasebookError(Exception):
    """Base class of every error raised by phasebook."""


class ConfigError(PhasebookError):
    """A params file (or an override) is invalid: names the file, the field and the fix."""


class PlatformUnreachable(PhasebookError):
    """The platform under test cannot be reached (connection refused, DNS, no platform.json)."""


class ApiError(PhasebookError):
    """An API call returned a status the caller required not to happen."""

    def __init__(self, message: str, *, status: int | None = None, body: object = None):
        super().__init__(message)
        self.status = status
        self.body = body


class ApiTimeout(PhasebookError):
    """An API call did not answer within its timeout."""

    def __init__(self, message: str, *, method: str = "", url: str = "", timeout: float = 0.0):
        super().__init__(message)
        self.method = method
        self.url = url
        self.timeout = timeout


class ChecksFailed(PhasebookError):
    """Raised by ``Session.finish()`` when at least one check failed."""

    def __init__(self, message: str, *, failed_tests: list[str] | None = None):
        super().__init__(message)
        self.failed_tests = list(failed_tests or [])


class EventuallyTimeout(PhasebookError):
    """``eventually`` gave up: carries the last observed value, error and elapsed seconds."""

    def __init__(
        self,
        message: str,
        *,
        last_value: object = None,
        last_error: BaseException | None = None,
        elapsed: float = 0.0,
    ):
        super().__init__(message)
        self.last_value = last_value
        self.last_error = last_error
        self.elapsed = elapsed


class DatabaseError(PhasebookError):
    """A read-only database inspection failed (names the database, never its password)."""


class ControlError(PhasebookError):
    """A platform control command (stop, start, pause, ...) failed."""


class ControlUnavailable(ControlError):
    """Platform control needs a local shopstack state dir; the params point at a remote one."""


class MailboxError(PhasebookError):
    """The mailbox (mail sink / Mailpit API) could not be read."""


class AuthError(PhasebookError):
    """Credentials could not be obtained (a login, token or key request failed)."""
