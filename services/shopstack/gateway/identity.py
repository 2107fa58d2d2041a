"""Who is calling: mock identity (``X-User-Id``, default user 1; ``X-Tenant-Id``, default
``default``) or JWT (HS256, integer claim ``user_id``, string claim ``tenant_id``).

The dependency returns the user id and leaves the tenant in ``request.state.tenant_id``, which
:func:`shopstack.gateway.deps.user_headers` forwards, so every route is tenant-scoped without
naming the tenant itself.
"""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Header, Request

from shopstack.caller import Caller, tenant_from
from shopstack.errors import ShopError, unauthorized
from shopstack.settings import get_settings

DEFAULT_MOCK_USER = 1
_MAX_USER_ID = 2**63 - 1


def _mock_user(x_user_id: str | None) -> int:
    if x_user_id is None or x_user_id.strip() == "":
        return DEFAULT_MOCK_USER
    try:
        user_id = int(x_user_id)
    except ValueError:
        user_id = 0
    if not 0 < user_id <= _MAX_USER_ID:
        raise ShopError(400, "invalid_user_id", "X-User-Id must be a positive integer")
    return user_id


def _jwt_caller(authorization: str | None, secret: str) -> Caller:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise unauthorized("missing bearer token")
    token = authorization.split(" ", 1)[1].strip()
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp"]})
    except jwt.ExpiredSignatureError as exc:
        raise unauthorized("token expired") from exc
    except jwt.PyJWTError as exc:
        raise unauthorized("invalid token") from exc
    user_id = claims.get("user_id")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id <= _MAX_USER_ID:
        raise unauthorized("token has no valid integer user_id claim")
    tenant = claims.get("tenant_id")
    if tenant is not None and not isinstance(tenant, str):
        raise unauthorized("token's tenant_id claim must be a string")
    return Caller(tenant_from(tenant, source="the token's tenant_id claim"), user_id)


def resolve_caller(
    *,
    x_user_id: str | None = None,
    x_tenant_id: str | None = None,
    authorization: str | None = None,
) -> Caller:
    """The caller of a request or WebSocket: tenant and user, per the auth mode."""
    settings = get_settings()
    if settings.auth_mode == "jwt":
        return _jwt_caller(authorization, settings.jwt_secret)
    return Caller(tenant_from(x_tenant_id), _mock_user(x_user_id))


async def current_user(
    x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_tenant_id: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> int:
    """The caller's user id (kept for callers that only need it)."""
    return resolve_caller(
        x_user_id=x_user_id, x_tenant_id=x_tenant_id, authorization=authorization
    ).user_id


async def current_user_in_tenant(
    request: Request,
    x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_tenant_id: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> int:
    """The caller's user id; the tenant goes to ``request.state.tenant_id``."""
    found = resolve_caller(
        x_user_id=x_user_id, x_tenant_id=x_tenant_id, authorization=authorization
    )
    request.state.tenant_id = found.tenant_id
    return found.user_id


CurrentUser = Annotated[int, Depends(current_user_in_tenant)]
