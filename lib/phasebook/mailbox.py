"""The mailbox: read mail caught by the platform's mail sink (a subset of Mailpit's API).

``GET /api/v1/messages``, ``GET /api/v1/message/{ID}`` and ``DELETE /api/v1/messages``, so the
same client works against shopstack's mail sink and a real Mailpit in staging; and Mailpit's
chaos (``GET``/``PUT /api/v1/chaos``; a real Mailpit must be started with ``--enable-chaos``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .display import escape
from .errors import MailboxError
from .polling import eventually
from .redact import Redactor
from .tls import shared_ssl_context


@dataclass(frozen=True)
class Message:
    """One caught email (``text`` and ``html`` are filled by :meth:`Mailbox.get`)."""

    id: str
    sender: str
    to: list[str]
    subject: str
    created: str
    snippet: str = ""
    text: str | None = field(default=None, repr=False)
    html: str | None = field(default=None, repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Message:
        return cls(
            id=str(data.get("ID", "")),
            sender=(data.get("From") or {}).get("Address", ""),
            to=[entry.get("Address", "") for entry in data.get("To") or []],
            subject=data.get("Subject", ""),
            created=data.get("Created", ""),
            snippet=data.get("Snippet", ""),
            text=data.get("Text"),
            html=data.get("HTML"),
        )

    def _repr_html_(self) -> str:
        body = self.text if self.text is not None else self.snippet
        return (
            f"<div class='phasebook-mail'><b>{escape(self.subject)}</b><br>"
            f"from {escape(self.sender)} to {escape(', '.join(self.to))} "
            f"<span style='color:#666'>{escape(self.created)}</span>"
            f"<pre>{escape(body)}</pre></div>"
        )


class Mailbox:
    """``s.mail``: list, read, wait for and clear caught emails."""

    def __init__(
        self,
        url: str | None,
        *,
        redactor: Redactor | None = None,
        timeout: float = 10.0,
        eventually_timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        on_success: Callable[[str, float], None] | None = None,
        personas: Any = None,
    ):
        self.url = url.rstrip("/") if url else None
        self._personas = personas
        self._redactor = redactor or Redactor()
        self._eventually_timeout = eventually_timeout
        self._on_success = on_success
        self._http = httpx.Client(
            base_url=self.url or "http://mailbox.invalid",
            transport=transport,
            timeout=timeout,
            verify=shared_ssl_context(),
        )

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        if self.url is None:
            raise MailboxError(
                "no mailbox configured — set mailbox.url in the params file, or start the "
                "local platform so platform.json gives mail.http_url"
            )
        where = f"{method} {self._redactor.url(self.url)}{path}"
        try:
            response = self._http.request(method, path, json=json)
        except httpx.HTTPError as exc:
            raise MailboxError(
                f"mailbox {where} failed: {type(exc).__name__}: {exc} — is the mail sink up?"
            ) from exc
        if response.status_code >= 400:
            raise MailboxError(
                f"mailbox {where} answered {response.status_code}: {response.text[:200]}"
            )
        return self._redactor.value(response.json()) if response.content else None

    def messages(self) -> list[Message]:
        """Every caught message, newest first (as the API orders them)."""
        data = self._call("GET", "/api/v1/messages") or {}
        return [Message.from_api(item) for item in data.get("messages") or []]

    def get(self, message_id: str) -> Message:
        """One message with its text and HTML bodies."""
        return Message.from_api(self._call("GET", f"/api/v1/message/{message_id}") or {})

    def clear(self) -> None:
        """Delete every caught message (shared with parallel notebooks: prefer filters)."""
        self._call("DELETE", "/api/v1/messages")

    def chaos(self) -> dict[str, Any]:
        """The SMTP chaos triggers now: ``{"Sender": {"ErrorCode", "Probability"}, ...}``."""
        return self._call("GET", "/api/v1/chaos") or {}

    def set_chaos(self, **triggers: dict[str, int]) -> dict[str, Any]:
        """Replace the chaos triggers, e.g. ``set_chaos(Recipient={"ErrorCode": 451,
        "Probability": 100})``; a trigger left out is switched off (Mailpit's semantics)."""
        return self._call("PUT", "/api/v1/chaos", json=triggers) or {}

    def clear_chaos(self) -> dict[str, Any]:
        """Switch every chaos trigger off."""
        return self.set_chaos()

    def wait_for(
        self,
        predicate: Callable[[Message], bool] | None = None,
        *,
        to: str | None = None,
        as_user: Any = None,
        subject_contains: str | None = None,
        timeout: float | None = None,
        interval: float = 0.2,
    ) -> Message:
        """Poll until a message matches (all given conditions) and return it, full text included.

        ``as_user="alice"`` waits for mail to that persona's ``email`` field."""
        if as_user is not None:
            if self._personas is None:
                raise MailboxError("wait_for(as_user=...): this mailbox knows no personas")
            to = str(self._personas.resolve(as_user)["email"])

        def matches(message: Message) -> bool:
            if to is not None and to.lower() not in (a.lower() for a in message.to):
                return False
            if subject_contains is not None and subject_contains not in message.subject:
                return False
            return predicate is None or bool(predicate(message))

        def find() -> Message | None:
            return next((m for m in self.messages() if matches(m)), None)

        label = (
            "email"
            + (f" to {to}" if to else "")
            + (f" with subject containing {subject_contains!r}" if subject_contains else "")
        )
        found = eventually(
            find,
            timeout=self._eventually_timeout if timeout is None else timeout,
            interval=interval,
            description=label,
            on_success=self._on_success,
        )
        return self.get(found.id)

    def close(self) -> None:
        self._http.close()
