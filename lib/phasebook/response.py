"""A response as a notebook shows it: status, a few headers, pretty JSON, elapsed time.

Everything a :class:`Response` exposes or displays has been through the redactor.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

from .display import escape, pretty_json, shorten
from .errors import ApiError

SHOWN_HEADERS = ("content-type", "x-request-id", "location", "retry-after", "x-cache")


class Response:
    """The outcome of one API call."""

    def __init__(
        self,
        *,
        method: str,
        path: str,
        url: str,
        status: int,
        headers: dict[str, str],
        text: str,
        elapsed_ms: float,
        request_id: str,
        request_body: Any = None,
    ):
        self.method = method
        self.path = path
        self.url = url
        self.status = status
        self.headers = headers
        self.text = text
        self.elapsed_ms = elapsed_ms
        self.request_id = request_id
        self.request_body = request_body

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def json(self) -> Any:
        """The parsed JSON body (ApiError when the body is not JSON)."""
        try:
            return jsonlib.loads(self.text) if self.text else None
        except ValueError as exc:
            raise ApiError(
                f"{self.method} {self.path} answered {self.status} with a non-JSON body: "
                f"{shorten(self.text, 80)!r}",
                status=self.status,
                body=self.text,
            ) from exc

    def body(self) -> Any:
        """The JSON body, or the text when it is not JSON (never raises)."""
        try:
            return self.json
        except ApiError:
            return self.text

    def expect(self, *statuses: int) -> Response:
        """Return self when the status is one of ``statuses``; raise ApiError otherwise."""
        if self.status in statuses:
            return self
        wanted = " or ".join(map(str, statuses))
        raise ApiError(
            f"{self.method} {self.path} answered {self.status}, expected {wanted}: "
            f"{shorten(self.text, 200)} (request id {self.request_id})",
            status=self.status,
            body=self.body(),
        )

    def __repr__(self) -> str:
        return (
            f"<Response {self.method} {self.path} {self.status} "
            f"{self.elapsed_ms:.1f} ms {shorten(self.text, 60)!r}>"
        )

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.ok else ("#9a6700" if self.status < 500 else "#cf222e")
        shown = [(k, v) for k, v in self.headers.items() if k.lower() in SHOWN_HEADERS]
        rows = "".join(
            f"<tr><td style='text-align:left'><code>{escape(k)}</code></td>"
            f"<td style='text-align:left'><code>{escape(v)}</code></td></tr>"
            for k, v in shown
        )
        request = ""
        if self.request_body is not None:
            request = (
                "<details><summary>request body</summary>"
                f"<pre>{escape(pretty_json(self.request_body))}</pre></details>"
            )
        return (
            "<div class='phasebook-response'>"
            f"<b>{escape(self.method)} {escape(self.path)}</b> → "
            f"<b style='color:{color}'>{self.status}</b> "
            f"<span style='color:#666'>{self.elapsed_ms:.1f} ms</span>"
            f"{request}<table>{rows}</table>"
            f"<pre>{escape(pretty_json(self.body()))}</pre></div>"
        )
