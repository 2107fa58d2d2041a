"""The sink's memory: the last messages received, newest first, safe across threads."""

from __future__ import annotations

import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any


@dataclass
class StoredMessage:
    id: str
    raw: bytes
    created: datetime
    envelope_to: list[str]
    parsed: EmailMessage = field(repr=False)

    @classmethod
    def parse(cls, raw: bytes, envelope_to: list[str]) -> StoredMessage:
        parsed = message_from_bytes(raw, policy=policy.default)
        return cls(uuid.uuid4().hex[:22], raw, datetime.now(UTC), envelope_to, parsed)

    def _part(self, subtype: str) -> str:
        part = self.parsed.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""

    def summary(self) -> dict[str, Any]:
        """The Mailpit message summary shape (the subset the library reads)."""
        text = self._part("plain")
        return {
            "ID": self.id,
            "MessageID": str(self.parsed.get("Message-ID", "")).strip("<>"),
            "From": _address(self.parsed.get("From", "")),
            "To": [_address_pair(pair) for pair in getaddresses([str(self.parsed.get("To", ""))])]
            or [{"Name": "", "Address": addr} for addr in self.envelope_to],
            "Subject": str(self.parsed.get("Subject", "")),
            "Created": self.created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "Snippet": " ".join(text.split())[:250],
            "Size": len(self.raw),
        }

    def detail(self) -> dict[str, Any]:
        return {**self.summary(), "Text": self._part("plain"), "HTML": self._part("html")}


def _address_pair(pair: tuple[str, str]) -> dict[str, str]:
    return {"Name": pair[0], "Address": pair[1]}


def _address(header: object) -> dict[str, str]:
    pairs = getaddresses([str(header)])
    return _address_pair(pairs[0]) if pairs else {"Name": "", "Address": ""}


class Mailbox:
    """Bounded in-memory store: the newest ``capacity`` messages."""

    def __init__(self, capacity: int = 1000) -> None:
        self._messages: deque[StoredMessage] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, message: StoredMessage) -> None:
        with self._lock:
            self._messages.appendleft(message)

    def newest_first(self) -> list[StoredMessage]:
        with self._lock:
            return list(self._messages)

    def get(self, message_id: str) -> StoredMessage | None:
        with self._lock:
            return next((m for m in self._messages if m.id == message_id), None)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
