"""The mail sink: SMTP in, Mailpit-shaped HTTP out."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from shopstack.mailsink.api import create_api
from shopstack.mailsink.mailbox import Mailbox
from shopstack.mailsink.smtp import start_smtp


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sink():
    mailbox = Mailbox(capacity=3)
    port = _free_port()
    controller = start_smtp(mailbox, host="127.0.0.1", port=port)
    try:
        yield port, TestClient(create_api(mailbox))
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
