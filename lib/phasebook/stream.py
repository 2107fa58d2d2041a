"""The platform's live event stream (``WS /api/v1/events/stream``) as a subscription.

    with s.events.subscribe(aggregate_id=checkout_id) as stream:   # or type=, after_id=
        s.api.post("/api/v1/checkout", ...)
        events = stream.wait_for(lambda seen: len(seen) >= 6, timeout=10)
    stream.events        # every message received, in order, each with "received_at" (UTC)

The WebSocket is read by a background thread that stamps each message with the time it
arrived, so a notebook can act while it listens and later compare arrival with the event's own
``created_at``. Credentials are the session's (its auth provider's headers for the persona).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from .errors import EventuallyTimeout, PhasebookError

STREAM_PATH = "/api/v1/events/stream"


class StreamError(PhasebookError):
    """The event stream could not be opened, or closed with an error."""


class Subscription:
    """One open stream: messages collected in the background, in arrival order."""

    def __init__(self, connection: ClientConnection, url: str):
        self.url = url
        self._open = ExitStack()  # websockets wants its connection used as a context manager
        self._connection = self._open.enter_context(connection)
        self._events: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self.closed_reason: str | None = None
        self._reader = threading.Thread(target=self._read, name="phasebook-stream", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for raw in self._connection:
                event = json.loads(raw)
                event["received_at"] = datetime.now(UTC).isoformat()
                with self._changed:
                    self._events.append(event)
                    self._changed.notify_all()
        except (ConnectionClosed, ValueError) as exc:
            self.closed_reason = str(exc)
        finally:
            with self._changed:
                self.closed_reason = self.closed_reason or "closed"
                self._changed.notify_all()

    @property
    def events(self) -> list[dict[str, Any]]:
        """A copy of what arrived so far."""
        with self._changed:
            return list(self._events)

    def wait_for(
        self, condition: Callable[[list[dict[str, Any]]], bool], *, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Every event received once ``condition(events)`` holds; EventuallyTimeout (with
        what did arrive) after ``timeout`` s or when the server closes the stream first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self._events):
                left = deadline - time.monotonic()
                if left <= 0 or (self.closed_reason and not self._reader.is_alive()):
                    types = [e.get("event_type") or e.get("type") for e in self._events]
                    raise EventuallyTimeout(
                        f"event stream: condition not met after {timeout:g} s "
                        f"({len(types)} events received: {types}; stream "
                        f"{self.closed_reason or 'open'})"
                    )
                self._changed.wait(min(left, 0.2))
            return list(self._events)

    def close(self) -> None:
        self._open.close()
        self._reader.join(timeout=5)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = self.closed_reason or "open"
        return f"<Subscription {self.url} events={len(self._events)} {state}>"


class EventStreams:
    """``s.events``: opens subscriptions to the stream as the session's personas."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Callable[[Any], Mapping[str, str]],
        path: str = STREAM_PATH,
        open_timeout: float = 10.0,
    ):
        self._ws_base = "ws" + base_url.rstrip("/")[len("http") :]
        self._headers = headers
        self._path = path
        self._open_timeout = open_timeout

    def subscribe(
        self,
        *,
        type: str | None = None,  # noqa: A002 - the stream's own parameter name
        aggregate_id: str | None = None,
        after_id: int | None = None,
        as_user: Any = None,
    ) -> Subscription:
        """Open the stream filtered like the contract's query parameters, as ``as_user``
        (persona name, Persona or user id; default: the session's user)."""
        query = {"type": type, "aggregate_id": aggregate_id, "after_id": after_id}
        query_string = urlencode({k: v for k, v in query.items() if v is not None})
        url = self._ws_base + self._path + (f"?{query_string}" if query_string else "")
        try:
            connection = connect(
                url,
                additional_headers=dict(self._headers(as_user)),
                open_timeout=self._open_timeout,
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            raise StreamError(
                f"cannot open the event stream {url}: {exc} — is the platform up, and does "
                "it serve the stream at this path?"
            ) from exc
        return Subscription(connection, url)
