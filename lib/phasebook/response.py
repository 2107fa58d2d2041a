"""A response as a notebook shows it: status, a few headers, pretty JSON, elapsed time.

A :class:`Response` keeps the **real** values (``text``, ``json``, ``headers``, ``url``), so a
notebook computes with what the platform sent — a token it logs in with stays a token. What
it *shows* (``repr``, the HTML card, error messages) goes through the redactor.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

from .display import escape, pretty_json, shorten
from .errors import ApiError
from .redact import Redactor

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
        redactor: Redactor | None = None,
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
        self._redactor = redactor or Redactor()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def json(self) -> Any:
        """The parsed JSON body (ApiError when the body is not JSON)."""
        try:
            return jsonlib.loads(self.text) if self.text else None
        except ValueError as exc:
            red = self._redactor
            raise ApiError(
                f"{self.method} {red.text(self.path)} answered {self.status} with a non-JSON "
                f"body: {red.text(shorten(self.text, 80))!r}",
                status=self.status,
                body=red.text(self.text),
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
        red = self._redactor
        raise ApiError(
            f"{self.method} {red.text(self.path)} answered {self.status}, expected {wanted}: "
            f"{red.text(shorten(self.text, 200))} (request id {self.request_id})",
            status=self.status,
            body=red.value(self.body()),
        )

    def shown(self) -> dict[str, Any]:
        """What may be shown or written: path, headers and bodies with secrets masked."""
        red = self._redactor
        return {
            "path": red.text(self.path),
            "headers": red.headers(self.headers),
            "body": red.value(self.body()),
            "request_body": red.value(self.request_body),
        }

    def __repr__(self) -> str:
        red = self._redactor
        return (
            f"<Response {self.method} {red.text(self.path)} {self.status} "
            f"{self.elapsed_ms:.1f} ms {red.text(shorten(self.text, 60))!r}>"
        )

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.ok else ("#9a6700" if self.status < 500 else "#cf222e")
        view = self.shown()
        shown = [(k, v) for k, v in view["headers"].items() if k.lower() in SHOWN_HEADERS]
        rows = "".join(
            f"<tr><td style='text-align:left'><code>{escape(k)}</code></td>"
            f"<td style='text-align:left'><code>{escape(v)}</code></td></tr>"
            for k, v in shown
        )
        request = ""
        if self.request_body is not None:
            request = (
                "<details><summary>request body</summary>"
                f"<pre>{escape(pretty_json(view['request_body']))}</pre></details>"
            )
        return (
            "<div class='phasebook-response'>"
            f"<b>{escape(self.method)} {escape(view['path'])}</b> → "
            f"<b style='color:{color}'>{self.status}</b> "
            f"<span style='color:#666'>{self.elapsed_ms:.1f} ms</span>"
            f"{request}<table>{rows}</table>"
            f"<pre>{escape(pretty_json(view['body']))}</pre></div>"
        )
