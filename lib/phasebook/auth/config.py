"""The ``auth:`` section of a params file, validated into an :class:`AuthConfig`.

``build_auth_config(get, fail)`` reads the flattened, interpolated fields (``get("auth.mode")``)
and returns a frozen config with each mode's defaults filled in; ``fail(field, message)``
builds the ConfigError that names the params file. Modes (docs/params.md):

=========  ===============================================================================
none       no credentials
mock       shopstack's ``X-User-Id: {user_id}`` (a header mode)
header     any header; ``value`` is a template over persona fields or an ``${ENV}`` value
bearer     a static token from the environment, ``Authorization: <scheme> <token>``
jwt        tokens minted per persona, HS256 (``secret``) or RS256 (``private_key``)
login      a request per persona that returns a token (``login.token`` is its JSON path)
cookie     a login request whose ``Set-Cookie`` session is sent back as ``Cookie``
oauth2     client-credentials or password grant (authlib)
=========  ===============================================================================
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError

AUTH_MODES = ("none", "mock", "header", "bearer", "jwt", "login", "cookie", "oauth2")
JWT_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256")
OAUTH2_GRANTS = ("client_credentials", "password")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH")

Get = Callable[[str], Any]
Fail = Callable[[str, str], ConfigError]


@dataclass(frozen=True)
class JwtConfig:
    secret: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    algorithm: str = "HS256"
    claim: str = "user_id"
    user_field: str = "user_id"
    claims: Mapping[str, Any] = field(default_factory=dict)
    lifetime_s: float = 3600.0


@dataclass(frozen=True)
class LoginConfig:
    path: str
    method: str = "POST"
    json: Any = None
    form: Mapping[str, Any] | None = None
    token: str | None = None


@dataclass(frozen=True)
class OAuth2Config:
    token_url: str
    grant: str = "client_credentials"
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    scope: str | None = None
    username: str = "{username}"
    password: str = "{password}"


@dataclass(frozen=True)
class AuthConfig:
    """How requests carry credentials (see the module docstring for the modes)."""

    mode: str = "mock"
    header: str = "X-User-Id"
    scheme: str = ""
    value: str | None = "{user_id}"
    token: str | None = field(default=None, repr=False)
    jwt: JwtConfig | None = None
    login: LoginConfig | None = None
    cookie_names: tuple[str, ...] = ()
    oauth2: OAuth2Config | None = None
    default_user: str | None = None
    #: Extra headers sent with every request in every mode: persona templates or fixed values.
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def uses_user_ids(self) -> bool:
        """True when the credentials come from a numeric ``user_id`` (shopstack's users)."""
        if self.mode in ("mock", "header"):
            return self.value is not None and "{user_id}" in self.value
        return self.mode == "jwt" and self.jwt is not None and self.jwt.user_field == "user_id"

    def describe(self) -> str:
        """A short, secret-free description: ``login (Authorization: Token …)``."""
        if self.mode in ("none", "cookie", "oauth2"):
            return self.mode
        shown = f"{self.scheme} …" if self.scheme else "…"
        return f"{self.mode} ({self.header}: {shown})"


def build_auth_config(get: Get, fail: Fail) -> AuthConfig:
    """The validated auth section (defaults per mode)."""
    mode = get("auth.mode") or "mock"
    if mode not in AUTH_MODES:
        close = difflib.get_close_matches(str(mode), AUTH_MODES, n=1, cutoff=0.5)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise fail("auth.mode", f"expected one of {', '.join(AUTH_MODES)}, got {mode!r}{hint}")
    common = {"default_user": get("auth.default_user"), "headers": _extra_headers(get, fail)}
    if mode == "none":
        return AuthConfig(mode="none", header="", value=None, **common)
    if mode == "mock":
        return AuthConfig(mode="mock", **common)
    if mode == "header":
        return _header(get, fail, common)
    if mode == "bearer":
        token = _required(get, fail, "auth.token", "the static token, e.g. ${API_TOKEN}")
        return AuthConfig(mode="bearer", value=None, token=token, **_scheme(get), **common)
    if mode == "jwt":
        return AuthConfig(mode="jwt", value=None, jwt=_jwt(get, fail), **_scheme(get), **common)
    if mode == "oauth2":
        return AuthConfig(
            mode="oauth2", value=None, oauth2=_oauth2(get, fail), **_scheme(get), **common
        )
    login = _login(get, fail, needs_token=mode == "login")
    if mode == "login":
        return AuthConfig(mode="login", value=None, login=login, **_scheme(get), **common)
    names = get("auth.cookie.name")
    cookie_names = tuple(n.strip() for n in str(names).split(",") if n.strip()) if names else ()
    return AuthConfig(
        mode="cookie", header="Cookie", value=None, login=login, cookie_names=cookie_names, **common
    )


def _extra_headers(get: Get, fail: Fail) -> dict[str, str]:
    headers = get("auth.headers") or {}
    if not isinstance(headers, dict):
        raise fail(
            "auth.headers",
            'expected a mapping of header name to value, e.g. {X-Tenant-Id: "{tenant?}"}',
        )
    for name, value in headers.items():
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise fail(f"auth.headers.{name}", f"expected a string template, got {value!r}")
    return {str(name): str(value) for name, value in headers.items()}


def _scheme(get: Get) -> dict[str, str]:
    scheme = get("auth.scheme")
    return {
        "header": get("auth.header") or "Authorization",
        "scheme": "Bearer" if scheme is None else str(scheme),
    }


def _header(get: Get, fail: Fail, common: dict) -> AuthConfig:
    header = _required(get, fail, "auth.header", "the header name, e.g. X-Api-Key")
    value = _required(get, fail, "auth.value", 'a template such as "{user_id}" or ${API_KEY}')
    scheme = get("auth.scheme")
    return AuthConfig(mode="header", header=header, scheme=str(scheme or ""), value=value, **common)


def _jwt(get: Get, fail: Fail) -> JwtConfig:
    secret = get("auth.jwt.secret") or get("auth.jwt_secret")
    private_key = get("auth.jwt.private_key")
    algorithm = str(get("auth.jwt.algorithm") or ("RS256" if private_key else "HS256")).upper()
    if algorithm not in JWT_ALGORITHMS:
        raise fail("auth.jwt.algorithm", f"expected one of {', '.join(JWT_ALGORITHMS)}")
    if algorithm.startswith("HS") and not secret:
        raise fail(
            "auth.jwt_secret",
            "required when auth.mode is jwt — set it from the platform's secret (${JWT_SECRET})",
        )
    if not algorithm.startswith("HS") and not private_key:
        raise fail("auth.jwt.private_key", f"required for {algorithm} (a PEM key from ${{ENV}})")
    claim = get("auth.jwt.claim") or "user_id"
    claims = get("auth.jwt.claims") or {}
    if not isinstance(claims, dict):
        raise fail("auth.jwt.claims", "expected a mapping of claim name to value or template")
    return JwtConfig(
        secret=secret,
        private_key=private_key,
        algorithm=algorithm,
        claim=str(claim),
        user_field=str(get("auth.jwt.field") or claim),
        claims=dict(claims),
        lifetime_s=float(get("auth.jwt.lifetime_s") or 3600),
    )


def _login(get: Get, fail: Fail, *, needs_token: bool) -> LoginConfig:
    path = _required(get, fail, "auth.login.path", "the login route, e.g. /api/users/login")
    method = str(get("auth.login.method") or "POST").upper()
    if method not in HTTP_METHODS:
        raise fail("auth.login.method", f"expected one of {', '.join(HTTP_METHODS)}")
    body, form = get("auth.login.json"), get("auth.login.form")
    if body is not None and form is not None:
        raise fail("auth.login", "give json or form, not both")
    if form is not None and not isinstance(form, dict):
        raise fail("auth.login.form", "expected a mapping of form fields")
    token = get("auth.login.token")
    if needs_token and not token:
        raise fail("auth.login.token", "the JSON path of the token in the answer, e.g. user.token")
    return LoginConfig(path=path, method=method, json=body, form=form, token=token)


def _oauth2(get: Get, fail: Fail) -> OAuth2Config:
    url = _required(get, fail, "auth.oauth2.token_url", "the token endpoint URL")
    grant = get("auth.oauth2.grant") or "client_credentials"
    if grant not in OAUTH2_GRANTS:
        raise fail("auth.oauth2.grant", f"expected one of {', '.join(OAUTH2_GRANTS)}")
    return OAuth2Config(
        token_url=url,
        grant=grant,
        client_id=get("auth.oauth2.client_id"),
        client_secret=get("auth.oauth2.client_secret"),
        scope=get("auth.oauth2.scope"),
        username=get("auth.oauth2.username") or "{username}",
        password=get("auth.oauth2.password") or "{password}",
    )


def _required(get: Get, fail: Fail, dotted: str, what: str) -> Any:
    value = get(dotted)
    if value in (None, ""):
        mode = get("auth.mode")
        raise fail(dotted, f"required when auth.mode is {mode} — {what}")
    return value
