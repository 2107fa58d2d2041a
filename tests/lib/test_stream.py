"""The event stream subscription against a real local WebSocket server (no platform)."""

from __future__ import annotations

import json
import threading

import pytest
from phasebook.errors import EventuallyTimeout
from phasebook.stream import EventStreams, StreamError
from websockets.sync.server import serve


@pytest.fixture
def server():
    """A WebSocket server that records each handshake and sends the events it is given."""
    seen: list[dict] = []
    to_send: list[dict] = []

    def handler(connection):
        seen.append({"path": connection.request.path, "headers": dict(connection.request.headers)})
        for event in to_send:
            connection.send(json.dumps(event))
        for _ in connection:  # keep open until the client leaves
            pass

    with serve(handler, "127.0.0.1", 0) as ws_server:
        thread = threading.Thread(target=ws_server.serve_forever, daemon=True)
        thread.start()
        port = ws_server.socket.getsockname()[1]
        yield f"http://127.0.0.1:{port}", seen, to_send
        ws_server.shutdown()


def statuses(events):
    return [e["payload"]["to"] for e in events]


def test_subscription_receives_events_in_order_with_arrival_times_and_the_personas_headers(server):
    base_url, seen, to_send = server
    to_send += [{"id": i, "event_type": "x.y", "payload": {"to": s}} for i, s in enumerate("ABC")]
    streams = EventStreams(base_url, headers=lambda who: {"X-User-Id": str(who or 7)})

    with streams.subscribe(aggregate_id="c-1", after_id=4, as_user=42) as stream:
        events = stream.wait_for(lambda got: len(got) == 3, timeout=5)

    assert statuses(events) == ["A", "B", "C"]
    assert all(e["received_at"].endswith("+00:00") for e in events)
    assert seen[0]["path"] == "/api/v1/events/stream?aggregate_id=c-1&after_id=4"
    assert seen[0]["headers"]["x-user-id"] == "42"


def test_waiting_for_events_that_never_come_times_out_naming_what_arrived(server):
    base_url, _, to_send = server
    to_send.append({"id": 1, "event_type": "checkout.status_changed", "payload": {"to": "A"}})
    streams = EventStreams(base_url, headers=lambda who: {})
    with streams.subscribe() as stream, pytest.raises(EventuallyTimeout) as caught:
        stream.wait_for(lambda got: len(got) >= 2, timeout=0.5)
    assert "1 events received: ['checkout.status_changed']" in str(caught.value)


def test_a_stream_that_cannot_be_opened_is_one_clear_error():
    streams = EventStreams("http://127.0.0.1:9", headers=lambda who: {}, open_timeout=2)
    with pytest.raises(StreamError, match=r"cannot open the event stream ws://127\.0\.0\.1:9/"):
        streams.subscribe()
