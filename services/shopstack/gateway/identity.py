"""Who is calling: mock identity (``X-User-Id``, default user 1) or JWT (HS256, claim user_id)."""

from __future__ import annotations

from typing import Annotated

import jwt
from fastapi import Depends, Header

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


def _jwt_user(authorization: str | None, secret: str) -> int:
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
    return user_id


def current_user(
    x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> int:
    settings = get_settings()
    if settings.auth_mode == "jwt":
        return _jwt_user(authorization, settings.jwt_secret)
    return _mock_user(x_user_id)


CurrentUser = Annotated[int, Depends(current_user)]
