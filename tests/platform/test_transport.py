"""The aiohttp sender sorts failures the way Downstream's retry rules need."""

from __future__ import annotations

import asyncio
import socket

import pytest
from shopstack.transport import AiohttpSender, SendFailed


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _send(sender: AiohttpSender, url: str, timeout_s: float = 0.3):
    try:
        return await sender.send(
            "GET", url, json=None, params=None, headers=None, timeout_s=timeout_s
        )
    finally:
        await sender.aclose()


def test_refused_connection_is_reported_as_never_connected():
    url = f"http://127.0.0.1:{_closed_port()}/health"
    with pytest.raises(SendFailed) as caught:
        asyncio.run(_send(AiohttpSender(), url))
    assert caught.value.connected is False


def test_a_listener_that_never_answers_is_a_timeout_after_connecting():
    with socket.socket() as listener:  # like a SIGSTOPped service: the kernel accepts, no reply
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/health"
        with pytest.raises(SendFailed) as caught:
            asyncio.run(_send(AiohttpSender(), url, timeout_s=0.3))
    assert caught.value.connected is True
    assert "no answer within 0.3s" in caught.value.cause


def test_an_answer_keeps_status_body_and_lower_case_headers():
    async def scenario():
        async def handle(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            body = b'{"status": "ok"}'
            writer.write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                b"X-Request-ID: abc\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await _send(AiohttpSender(), f"http://127.0.0.1:{port}/x", timeout_s=2)

    reply = asyncio.run(scenario())
    assert reply.status_code == 503
    assert reply.json() == {"status": "ok"}
    assert reply.headers["x-request-id"] == "abc"


def _hung_service() -> tuple[socket.socket, list]:
    """A listener that accepts connections and never answers; counts the connections."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return listener, accepted


@pytest.mark.parametrize(("idempotent", "attempts"), [(False, 1), (True, 3)])
def test_a_call_that_timed_out_after_connecting_is_repeated_only_when_idempotent(
    monkeypatch, idempotent, attempts
):
    from shopstack.downstream import Downstream
    from shopstack.errors import ShopError

    listener, accepted = _hung_service()
    port = listener.getsockname()[1]
    monkeypatch.setenv("SHOPSTACK_CHECKOUT_URL", f"http://127.0.0.1:{port}")

    async def scenario():
        client = Downstream("gateway", timeout_s=0.2, attempts=3)
        try:
            await client.call("checkout", "POST", "/checkout", json={}, idempotent=idempotent)
        finally:
            await client.aclose()

    with pytest.raises(ShopError) as caught:
        asyncio.run(scenario())
    listener.close()
    assert caught.value.status == 503
    assert len(accepted) == attempts
