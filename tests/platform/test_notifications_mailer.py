"""The SMTP client tells a transient refusal (4xx, server down) from a permanent one (5xx)."""

from __future__ import annotations

import socket
from email.message import EmailMessage

import pytest
from shopstack.mailsink.chaos import Chaos, TriggersIn
from shopstack.mailsink.mailbox import Mailbox
from shopstack.mailsink.smtp import start_smtp
from shopstack.notifications.mailer import MailRejected, MailUnavailable, send


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    mailbox, chaos, port = Mailbox(), Chaos(), _free_port()
    controller = start_smtp(mailbox, host="127.0.0.1", port=port, chaos=chaos)
    try:
        yield port, chaos, mailbox
    finally:
        controller.stop()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.com", "b@example.com", "hi"
    message.set_content("hello")
    return message


@pytest.mark.parametrize("trigger", ["Sender", "Recipient"])
def test_a_451_is_transient_and_names_the_answer(smtp, trigger):
    port, chaos, mailbox = smtp
    chaos.set(TriggersIn.model_validate({trigger: {"ErrorCode": 451, "Probability": 100}}))
    with pytest.raises(MailUnavailable) as failure:
        send(_message(), host="127.0.0.1", port=port)
    assert not isinstance(failure.value, MailRejected)
    assert f"451 Chaos {trigger} error" in str(failure.value)
    assert mailbox.newest_first() == []


def test_a_550_is_permanent(smtp):
    port, chaos, _ = smtp
    chaos.set(TriggersIn.model_validate({"Recipient": {"ErrorCode": 550, "Probability": 100}}))
    with pytest.raises(MailRejected, match="550 Chaos Recipient error"):
        send(_message(), host="127.0.0.1", port=port)


def test_a_server_that_is_down_is_transient():
    with pytest.raises(MailUnavailable) as failure:
        send(_message(), host="127.0.0.1", port=_free_port(), timeout_s=2)
    assert not isinstance(failure.value, MailRejected)


def test_without_chaos_the_message_is_filed(smtp):
    port, _, mailbox = smtp
    send(_message(), host="127.0.0.1", port=port)
    assert [m.parsed["Subject"] for m in mailbox.newest_first()] == ["hi"]
