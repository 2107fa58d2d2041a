import subprocess
import sys

import phasebook

EXPECTED = [
    "ApiError",
    "ApiTimeout",
    "AuthError",
    "ChecksFailed",
    "ConfigError",
    "ControlError",
    "ControlUnavailable",
    "DatabaseError",
    "Diff",
    "EventuallyTimeout",
    "MailboxError",
    "Params",
    "PhasebookError",
    "PlatformUnreachable",
    "Response",
    "Session",
    "Snapshot",
    "diff",
    "eventually",
    "load_params",
    "session",
]


def test_public_api_is_pinned():
    assert phasebook.__all__ == EXPECTED
    assert len(EXPECTED) <= 25  # issue 11: auth providers live in phasebook.auth, not here


def test_every_public_name_resolves():
    for name in phasebook.__all__:
        assert getattr(phasebook, name) is not None


def test_every_error_is_a_phasebook_error():
    for name in EXPECTED:
        value = getattr(phasebook, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, phasebook.PhasebookError)


def test_import_does_no_heavy_work():
    code = (
        "import sys, phasebook; heavy = [m for m in ('pandas', 'sqlalchemy', 'httpx', 'yaml') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
