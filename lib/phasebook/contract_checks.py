"""Every response a notebook receives, checked against the platform's OpenAPI.

With ``platform.openapi`` set (a path on the platform such as ``/openapi.json``, a URL or a
file), :class:`ResponseContract` is an observer of ``s.api``: the document is loaded on the
first response, and each violation (undocumented status, wrong content type, a body its
schema rejects) is recorded as a failed ``contract`` check naming the route and the schema
path. Conforming responses record nothing, so a notebook shows only what breaks the contract.
"""

from __future__ import annotations

from typing import Any

import httpx

from .checks import Checks
from .response import Response


class ResponseContract:
    """Records a failed check for each way a response breaks the OpenAPI document."""

    def __init__(self, source: str, *, base_url: str, http: httpx.Client, checks: Checks):
        self.source = source
        self._base_url = base_url
        self._http = http
        self._checks = checks
        self._contract: Any = None

    @property
    def contract(self):
        """The loaded :class:`phasebook.openapi.OpenApiContract` (fetched on first use)."""
        if self._contract is None:
            from .openapi import OpenApiContract

            self._contract = OpenApiContract.load(
                self.source, base_url=self._base_url, http=self._http
            )
        return self._contract

    def route(self, method: str, path: str) -> str | None:
        """The documented template of a request (``/api/v1/orders/{order_id}``), if the
        document is already loaded: the report groups latencies by it. Never fetches."""
        if self._contract is None:
            return None
        return self._contract.route(method, path)

    def __call__(self, response: Response) -> None:
        contract = self.contract
        if contract is None:
            return
        found = contract.violations(
            method=response.method,
            path=response.path,
            status=response.status,
            content_type=response.headers.get("content-type"),
            body=response.body(),
        )
        for violation in found:
            message = (
                f"{response.method} {violation.route} → {violation.status}: {violation.message} "
                f"(schema path {violation.schema_path})"
            )
            self._checks.fail(
                "contract", message, expected=violation.schema_path, actual=violation.message
            )
