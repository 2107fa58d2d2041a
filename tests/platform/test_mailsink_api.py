"""The mail sink: SMTP in, Mailpit-shaped HTTP out."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from shopstack.mailsink.api import create_api
from shopstack.mailsink.chaos import Chaos
from shopstack.mailsink.mailbox import Mailbox
from shopstack.mailsink.smtp import start_smtp


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sink():
    mailbox = Mailbox(capacity=3)
    chaos = Chaos()
    port = _free_port()
    controller = start_smtp(mailbox, host="127.0.0.1", port=port, chaos=chaos)
    try:
        yield port, TestClient(create_api(mailbox, chaos))
    finally:
        controller.stop()


def _send(port: int, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "Shop <shop@example.com>"
    message["To"] = "user7@example.com"
    message["Subject"] = subject
    message["Message-ID"] = "<id-1@example.com>"
    message.set_content("Hello there,\nyour order is confirmed.")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(message)


def test_messages_are_listed_newest_first_in_mailpit_shape(sink):
    port, http = sink
    _send(port, "first")
    _send(port, "second")
    body = http.get("/api/v1/messages").json()
    assert (body["total"], body["count"]) == (2, 2)
    newest = body["messages"][0]
    assert newest["Subject"] == "second"
    assert newest["From"] == {"Name": "Shop", "Address": "shop@example.com"}
    assert newest["To"] == [{"Name": "", "Address": "user7@example.com"}]
    assert newest["MessageID"] == "id-1@example.com" and newest["Size"] > 0
    assert newest["Snippet"].startswith("Hello there, your order")
    detail = http.get(f"/api/v1/message/{newest['ID']}").json()
    assert "your order is confirmed" in detail["Text"] and detail["HTML"] == ""


def test_mailbox_is_bounded_and_can_be_emptied(sink):
    port, http = sink
    for n in range(5):
        _send(port, f"m{n}")
    subjects = [m["Subject"] for m in http.get("/api/v1/messages").json()["messages"]]
    assert subjects == ["m4", "m3", "m2"]
    assert http.delete("/api/v1/messages").status_code == 200
    assert http.get("/api/v1/messages").json()["total"] == 0
    assert http.get("/api/v1/message/nope").status_code == 404


def test_chaos_starts_off_in_mailpit_shape(sink):
    _, http = sink
    assert http.get("/api/v1/chaos").json() == {
        "Sender": {"ErrorCode": 451, "Probability": 0},
        "Recipient": {"ErrorCode": 451, "Probability": 0},
        "Authentication": {"ErrorCode": 535, "Probability": 0},
    }


def test_recipient_chaos_refuses_rcpt_with_its_code_and_files_nothing(sink):
    port, http = sink
    answer = http.put("/api/v1/chaos", json={"Recipient": {"ErrorCode": 550, "Probability": 100}})
    assert answer.status_code == 200 and answer.json()["Recipient"]["ErrorCode"] == 550
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        _send(port, "refused")
    assert refused.value.recipients["user7@example.com"][0] == 550
    assert http.get("/api/v1/messages").json()["total"] == 0


def test_sender_chaos_answers_a_transient_451(sink):
    port, http = sink
    http.put("/api/v1/chaos", json={"Sender": {"ErrorCode": 451, "Probability": 100}})
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        _send(port, "later")
    assert refused.value.smtp_code == 451


def test_putting_no_triggers_clears_chaos_and_mail_flows_again(sink):
    port, http = sink
    http.put("/api/v1/chaos", json={"Sender": {"ErrorCode": 451, "Probability": 100}})
    assert http.put("/api/v1/chaos", json={}).json()["Sender"]["Probability"] == 0
    _send(port, "after chaos")
    assert http.get("/api/v1/messages").json()["total"] == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"Sender": {"ErrorCode": 250, "Probability": 100}}, "between 400 and 599"),
        ({"Sender": {"ErrorCode": 451, "Probability": 101}}, "Probability"),
        ({"Senders": {"ErrorCode": 451, "Probability": 1}}, "Senders"),
    ],
)
def test_invalid_chaos_is_a_400_naming_the_field_and_changes_nothing(sink, body, fragment):
    _, http = sink
    answer = http.put("/api/v1/chaos", json=body)
    assert answer.status_code == 400 and fragment in answer.json()["error"]
    assert http.get("/api/v1/chaos").json()["Sender"]["Probability"] == 0
