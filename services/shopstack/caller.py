"""Who a request to an internal service is for: the ``X-User-Id`` the gateway resolved.

Services listen on loopback only and trust this header (docs/architecture.md); the gateway
is the one place that authenticates.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from shopstack.errors import ShopError


def user_id_from(raw: str | None) -> int:
    try:
        user_id = int(raw or "")
    except ValueError:
        user_id = 0
    if not 0 < user_id < 2**63:
        raise ShopError(400, "invalid_user_id", "X-User-Id must be a positive integer")
    return user_id


def caller_id(x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None) -> int:
    return user_id_from(x_user_id)


CallerId = Annotated[int, Depends(caller_id)]
