"""Which services make up shopstack, their default ports, and where each one lives."""

from __future__ import annotations

import os

#: Every process the supervisor starts, in start order (dependencies first).
SERVICES: tuple[str, ...] = (
    "mailsink",
    "catalog",
    "inventory",
    "payment",
    "cart",
    "orders",
    "notifications",
    "checkout",
    "gateway",
)

#: The seed plan's ports (seed 002 prerequisites; orders/notifications/mail sink added).
DEFAULT_PORTS: dict[str, int] = {
    "gateway": 8080,
    "catalog": 50051,
    "cart": 50052,
    "inventory": 50053,
    "payment": 50054,
    "orders": 50055,
    "checkout": 50056,
    "notifications": 50057,
    "mailsink": 8025,
}
DEFAULT_SMTP_PORT = 1025

#: Services that own a database.
STATEFUL: tuple[str, ...] = (
    "catalog",
    "cart",
    "inventory",
    "payment",
    "orders",
    "checkout",
    "notifications",
)


def url_env_var(service: str) -> str:
    return f"SHOPSTACK_{service.upper()}_URL"


def service_url(service: str) -> str:
    """Base URL of another service, as handed to this process by the supervisor."""
    value = os.environ.get(url_env_var(service))
    if value:
        return value.rstrip("/")
    return f"http://127.0.0.1:{DEFAULT_PORTS[service]}"
