"""The SMTP side: an aiosmtpd handler that files every accepted message in the mailbox."""

from __future__ import annotations

from aiosmtpd.controller import Controller

from shopstack.mailsink.mailbox import Mailbox, StoredMessage


class FilingHandler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, _server, session, envelope) -> str:  # noqa: ANN001, N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.mailbox.add(StoredMessage.parse(raw, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def start_smtp(mailbox: Mailbox, *, host: str, port: int) -> Controller:
    controller = Controller(FilingHandler(mailbox), hostname=host, port=port)
    controller.start()
    return controller
