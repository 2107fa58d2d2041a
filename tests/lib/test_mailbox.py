import httpx
import pytest
from phasebook.errors import EventuallyTimeout, MailboxError
from phasebook.mailbox import Mailbox

LISTED = {
    "ID": "m1",
    "From": {"Address": "shop@example.com"},
    "To": [{"Address": "u42@example.com"}],
    "Subject": "Order confirmed #123",
    "Created": "2026-01-01T00:00:00Z",
    "Snippet": "Thanks",
}


class FakeMailpit:
    def __init__(self, messages=None):
        self.messages = list(messages or [])
        self.calls = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        if request.method == "GET" and request.url.path == "/api/v1/messages":
            return httpx.Response(
                200, json={"total": len(self.messages), "messages": self.messages}
            )
        if request.method == "GET" and request.url.path.startswith("/api/v1/message/"):
            return httpx.Response(200, json={**LISTED, "Text": "Your order 123", "HTML": "<p>"})
        if request.method == "DELETE" and request.url.path == "/api/v1/messages":
            self.messages.clear()
            return httpx.Response(200)
        return httpx.Response(404, text="not found")


def mailbox(fake, url="http://mail.test"):
    return Mailbox(url, transport=httpx.MockTransport(fake))


def test_messages_are_listed_with_sender_recipients_and_subject():
    [message] = mailbox(FakeMailpit([LISTED])).messages()
    assert (message.id, message.sender, message.to, message.subject) == (
        "m1",
        "shop@example.com",
        ["u42@example.com"],
        "Order confirmed #123",
    )
    assert message.text is None


def test_get_returns_the_full_message():
    message = mailbox(FakeMailpit()).get("m1")
    assert message.text == "Your order 123" and message.html == "<p>"
    assert "Order confirmed" in message._repr_html_()


def test_wait_for_matches_recipient_and_subject_then_fetches_full_text():
    fake = FakeMailpit([LISTED])
    found = mailbox(fake).wait_for(to="U42@example.com", subject_contains="confirmed", timeout=1)
    assert found.text == "Your order 123"
    assert fake.calls[-1] == ("GET", "/api/v1/message/m1")


def test_wait_for_times_out_when_nothing_matches():
    with pytest.raises(EventuallyTimeout, match="email to other@example.com"):
        mailbox(FakeMailpit([LISTED])).wait_for(to="other@example.com", timeout=0.05, interval=0.01)


def test_wait_for_accepts_a_predicate():
    box = mailbox(FakeMailpit([LISTED]))
    assert box.wait_for(lambda m: "#123" in m.subject, timeout=1).id == "m1"


def test_clear_deletes_every_message():
    fake = FakeMailpit([LISTED])
    box = mailbox(fake)
    box.clear()
    assert box.messages() == [] and ("DELETE", "/api/v1/messages") in fake.calls


def test_unreachable_mail_sink_is_a_mailbox_error():
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(MailboxError, match="is the mail sink up"):
        mailbox(refuse).messages()


def test_error_status_is_a_mailbox_error():
    box = Mailbox(
        "http://mail.test",
        transport=httpx.MockTransport(lambda r: httpx.Response(500, text="oops")),
    )
    with pytest.raises(MailboxError, match="answered 500: oops"):
        box.messages()


def test_missing_mailbox_url_says_how_to_configure_it():
    with pytest.raises(MailboxError, match="set mailbox.url"):
        Mailbox(None).messages()


def test_registered_secrets_are_masked_in_messages():
    from phasebook.redact import Redactor

    leaky = {**LISTED, "Snippet": "your token is tok-SECRET-1"}
    box = Mailbox(
        "http://mail.test",
        redactor=Redactor(["tok-SECRET-1"]),
        transport=httpx.MockTransport(FakeMailpit([leaky])),
    )
    assert box.messages()[0].snippet == "your token is ***"


def test_wait_for_as_user_uses_the_personas_email():
    from phasebook.auth import Personas
    from phasebook.redact import Redactor

    personas = Personas({"alice": {"email": "u42@example.com"}}, redactor=Redactor())
    box = Mailbox(
        "http://mail.test", transport=httpx.MockTransport(FakeMailpit([LISTED])), personas=personas
    )
    assert box.wait_for(as_user="alice", timeout=1).id == "m1"


class FakeChaosMailpit:
    """Mailpit's chaos endpoints: PUT replaces the triggers; 400 when chaos is not enabled."""

    def __init__(self, enabled=True):
        self.enabled, self.bodies = enabled, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self.enabled:
            return httpx.Response(400, text="Chaos is not enabled")
        if request.method == "PUT":
            self.bodies.append(request.read().decode())
        return httpx.Response(200, json={"Sender": {"ErrorCode": 451, "Probability": 0}})


def test_set_chaos_puts_the_triggers_as_mailpit_names_them():
    fake = FakeChaosMailpit()
    box = mailbox(fake)
    box.set_chaos(Recipient={"ErrorCode": 451, "Probability": 100})
    box.clear_chaos()
    assert fake.bodies == ['{"Recipient":{"ErrorCode":451,"Probability":100}}', "{}"]
    assert box.chaos() == {"Sender": {"ErrorCode": 451, "Probability": 0}}


def test_chaos_on_a_mailpit_without_chaos_says_so():
    with pytest.raises(MailboxError, match="answered 400: Chaos is not enabled"):
        mailbox(FakeChaosMailpit(enabled=False)).set_chaos(Sender={"ErrorCode": 451})
