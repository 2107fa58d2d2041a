"""Before a run: does the platform answer, and does it accept our credentials?

:func:`check_platform` is what ``phasebook run`` does before executing any notebook:

1. **reachable** — ``GET platform.health`` (default ``/health``) must answer < 400; with
   ``health: none`` any HTTP answer from ``base_url`` counts (platforms without a health route);
2. **auth** — if ``platform.whoami`` is set, one GET as the default persona must not answer
   401/403, and every ``expect`` path of its JSON must equal the persona's value (this is how
   JWT params against a platform that trusts ``X-User-Id`` are caught).

Failures raise :class:`PlatformUnreachable` / :class:`AuthError` with one line that says what
to fix; the CLI turns both into exit code 3.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from . import jsonpath
from .auth.templates import fill
from .discovery import Target
from .display import shorten
from .errors import AuthError, PhasebookError, PlatformUnreachable
from .params import Params

_AUTH_HINTS = {
    "mock": "the platform may not trust X-User-Id (does it run with JWT? set auth.mode: jwt)",
    "header": "check auth.header and auth.value",
    "bearer": "check auth.token",
    "jwt": "check auth.jwt_secret (or auth.jwt.*) matches the platform's",
    "login": "check the persona's fields under users: and auth.login",
    "cookie": "check the persona's fields under users: and auth.login / auth.cookie",
    "oauth2": "check auth.oauth2 and the client credentials",
    "none": "the platform needs credentials: set auth.mode",
}


def check_platform(params: Params, target: Target, *, timeout: float = 5.0, transport=None) -> None:
    """Reachability, then the auth check; raises with one actionable line."""
    check_reachable(params, target, timeout=timeout, transport=transport)
    if params.whoami is not None:
        check_auth(params, target, timeout=timeout, transport=transport)


def check_reachable(
    params: Params, target: Target, *, timeout: float = 5.0, transport=None
) -> None:
    """``GET`` the health path (< 400), or with ``health: none`` anything at ``base_url``."""
    path = params.health or "/"
    url = path if path.startswith(("http://", "https://")) else target.base_url + path
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.get(url)
    except httpx.HTTPError as exc:
        reason = _reason(exc, timeout)
    else:
        if params.health is None or response.status_code < 400:
            return
        reason = f"status {response.status_code}"
        if response.status_code == 404:
            reason += " — if the platform has no health route, set platform.health: none"
    raise PlatformUnreachable(f"platform unreachable at {url} ({reason}) — {_start_hint(params)}")


def check_auth(params: Params, target: Target, *, timeout: float = 5.0, transport=None) -> None:
    """One GET of ``platform.whoami`` as the default persona, compared with ``expect``."""
    from .sessions import Session

    whoami = params.whoami
    assert whoami is not None
    session = Session(
        # Who am I, not "does the platform keep its contract": the notebooks check that, and
        # loading the OpenAPI validators here (0.3 s) would delay the first notebook.
        replace(params, openapi=None),
        target,
        notebook="preflight",
        timeout=timeout,
        transport=transport,
        display=lambda bundle: None,
    )
    persona = session.user
    who = persona.name if persona is not None else "anonymous"
    label = f"GET {whoami.path} as {who}"
    hint = _AUTH_HINTS.get(params.auth.mode, "check the auth section")
    try:
        response = session.api.get(whoami.path)
    except AuthError as exc:
        raise AuthError(f"auth check failed: {exc}") from None
    except PhasebookError as exc:
        raise AuthError(f"auth check failed: {label}: {exc}") from None
    finally:
        session.close()
    if response.status in (401, 403) or response.status >= 400:
        body = session.redactor.text(shorten(_error_text(response.body()), 120))
        raise AuthError(f"auth check failed: {label} → {response.status} {body} — {hint}")
    for path, template in whoami.expect.items():
        expected = fill(template, persona) if persona is not None else template
        actual = _value_at(response.body(), path)
        if str(actual) != str(expected):
            raise AuthError(
                f"auth check failed: {label} → {response.status} but {path} is {actual!r}, "
                f"expected {expected!r}: the platform did not see the credentials sent — "
                f"{_mismatch_hint(params)}"
            )


def _mismatch_hint(params: Params) -> str:
    """An answer about someone else: the credentials were accepted but not used, so the
    platform's auth mode differs from ``auth.mode`` (a secret would have been a 401)."""
    mode = params.auth.mode
    if params.is_shopstack and mode == "jwt":
        return (
            "is shopstack in JWT mode? start it with SHOPSTACK_AUTH_MODE=jwt (mock ignores tokens)"
        )
    return f"does the platform use auth.mode {mode}? it answered as someone else"


def _value_at(data: Any, path: str) -> Any:
    try:
        return jsonpath.resolve(data, path)
    except (jsonpath.PathNotFound, ValueError):
        return None


def _error_text(body: Any) -> str:
    if isinstance(body, dict):
        key = next((k for k in ("error", "errors", "detail", "message") if k in body), None)
        error = body[key] if key else body
        if isinstance(error, dict):
            return str(error.get("message") or error)
        return str(error)
    return str(body)


def _start_hint(params: Params) -> str:
    if params.is_shopstack:
        return f"start it with 'make up' or run with --embedded, or fix platform in {params.source}"
    return f"start the platform or fix platform.base_url in {params.source}"


def _reason(exc: httpx.HTTPError, timeout: float) -> str:
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolution" in text:
        return "host name not resolved"
    return str(exc) or type(exc).__name__
