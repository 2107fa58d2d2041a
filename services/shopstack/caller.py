"""Who a request to an internal service is for: the ``X-User-Id`` and ``X-Tenant-Id`` the
gateway resolved.

Services listen on loopback only and trust these headers (docs/architecture.md); the gateway
is the one place that authenticates. A user id is scoped by its tenant (CONTRACT.md
"Tenants"): user 7 of ``acme`` and user 7 of ``globex`` are two people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from shopstack.errors import ShopError, invalid_request

DEFAULT_TENANT = "default"
TENANT_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True, order=True)
class Caller:
    """One person: a user id inside a tenant."""

    tenant_id: str
    user_id: int

    @property
    def key(self) -> str:
        """A string naming this person (cache keys, locks): ``<tenant>/<user id>``."""
        return f"{self.tenant_id}/{self.user_id}"


def tenant_from(raw: str | None, *, source: str = "X-Tenant-Id") -> str:
    """The tenant slug, ``default`` when absent or blank; 400 invalid_request when malformed."""
    if raw is None or raw.strip() == "":
        return DEFAULT_TENANT
    if not isinstance(raw, str) or not TENANT_PATTERN.match(raw):
        raise invalid_request(
            f"{source} must match ^[a-z0-9][a-z0-9-]{{0,62}}$ (lowercase letters, digits, '-')"
        )
    return raw


def user_id_from(raw: str | None) -> int:
    try:
        user_id = int(raw or "")
    except ValueError:
        user_id = 0
    if not 0 < user_id < 2**63:
        raise ShopError(400, "invalid_user_id", "X-User-Id must be a positive integer")
    return user_id


async def caller_id(
    x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> int:
    return user_id_from(x_user_id)


async def caller(
    x_user_id: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_tenant_id: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Caller:
    return Caller(tenant_from(x_tenant_id), user_id_from(x_user_id))


CallerId = Annotated[int, Depends(caller_id)]
CurrentCaller = Annotated[Caller, Depends(caller)]
