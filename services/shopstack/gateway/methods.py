"""Which methods a path allows: ``OPTIONS`` answers ``204`` with ``Allow``, and a method the
path does not have answers ``405 method_not_allowed`` with ``Allow`` (RFC 9110 §15.5.6).

The allowed methods are the ones the gateway's OpenAPI document declares for the path, so
``Allow`` and the contract cannot disagree. (Starlette's own 405 stops at the first route
whose path matches, so it would list only ``GET`` for ``/api/v1/cart``, which also has
``DELETE``.) Paths the document does not know are left to the router (404).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


def path_pattern(template: str) -> re.Pattern[str]:
    """``/api/v1/orders/{order_id}`` → a regex matching one concrete path of it."""
    return re.compile(_PARAMETER.sub("[^/]+", re.escape(template)) + "$")


def method_table(document: dict[str, Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Each documented path as a pattern and its methods (upper case)."""
    table = []
    for template, item in document.get("paths", {}).items():
        methods = frozenset(m.upper() for m in item if m in _HTTP_METHODS)
        table.append((path_pattern(template), methods))
    return table


class MethodGuard:
    """Pure ASGI middleware answering OPTIONS and undocumented methods on documented paths."""

    def __init__(self, app: ASGIApp, *, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self._openapi = openapi
        self._table: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def allowed(self, path: str) -> frozenset[str]:
        if self._table is None:
            self._table = method_table(self._openapi())
        allowed: frozenset[str] = frozenset()
        for pattern, methods in self._table:
            if pattern.match(path):
                allowed |= methods
        return allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        methods = self.allowed(scope["path"])
        method = scope["method"]
        if not methods or method in methods:
            await self.app(scope, receive, send)
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        if method == "OPTIONS":
            response: Response = Response(status_code=204, headers={"Allow": allow})
        else:
            body = {
                "error": f"method {method} not allowed on this path; allowed: {allow}",
                "code": "method_not_allowed",
            }
            response = JSONResponse(body, status_code=405, headers={"Allow": allow})
        await response(scope, receive, send)
