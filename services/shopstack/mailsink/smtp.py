"""The SMTP side: an aiosmtpd handler that files every accepted message in the mailbox.

Chaos (:mod:`shopstack.mailsink.chaos`) can refuse ``MAIL FROM`` (the Sender trigger) or
``RCPT TO`` (the Recipient trigger) with its error code, as Mailpit does; a refused message
never reaches the mailbox.
"""

from __future__ import annotations

from aiosmtpd.controller import Controller

from shopstack.mailsink.chaos import Chaos
from shopstack.mailsink.mailbox import Mailbox, StoredMessage


def _refusal(code: int, trigger: str) -> str:
    return f"{code} Chaos {trigger} error"


class FilingHandler:
    def __init__(self, mailbox: Mailbox, chaos: Chaos | None = None) -> None:
        self.mailbox = mailbox
        self.chaos = chaos or Chaos()

    async def handle_MAIL(self, _server, _session, envelope, address, options) -> str:  # noqa: ANN001, N802
        code = self.chaos.fires("Sender")
        if code is not None:
            return _refusal(code, "Sender")
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, _server, _session, envelope, address, options) -> str:  # noqa: ANN001, N802
        code = self.chaos.fires("Recipient")
        if code is not None:
            return _refusal(code, "Recipient")
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, _server, session, envelope) -> str:  # noqa: ANN001, N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.mailbox.add(StoredMessage.parse(raw, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def start_smtp(mailbox: Mailbox, *, host: str, port: int, chaos: Chaos | None = None) -> Controller:
    controller = Controller(FilingHandler(mailbox, chaos), hostname=host, port=port)
    controller.start()
    return controller
