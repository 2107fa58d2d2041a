"""Who may use the admin routes: the holder of ``SHOPSTACK_ADMIN_TOKEN``, in every auth mode."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header

from shopstack.errors import ShopError, forbidden, unauthorized
from shopstack.settings import get_settings


async def require_admin(
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> None:
    expected = get_settings().admin_token
    if not expected:
        raise ShopError(404, "not_found", "admin routes are disabled (SHOPSTACK_ADMIN_TOKEN unset)")
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("missing admin bearer token")
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise forbidden("invalid admin token")


AdminOnly = Depends(require_admin)
Admin = Annotated[None, AdminOnly]
