"""The event stream through the gateway: type and aggregate filters, replay past one page,
and no event twice where the replay meets the live stream."""

from __future__ import annotations

import json

import pytest
from saga_shop import Shop, new_user
from websockets.sync.client import connect


@pytest.fixture(scope="module")
def shop(platform, admin_token):
    shop = Shop(platform, admin_token)
    yield shop
    shop.close()


def _stream(shop: Shop, user: int, query: str):
    url = shop.platform["gateway_url"].replace("http", "ws", 1) + "/api/v1/events/stream"
    return connect(f"{url}?{query}", additional_headers=shop.who(user), open_timeout=5)


def _publish(shop: Shop, user: int, events: list[dict]) -> list[dict]:
    answer = shop.http.post(
        "/api/v1/events/batch", json={"events": events}, headers=shop.who(user), timeout=60
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["events"]


def _receive(ws, count: int) -> list[dict]:
    return [json.loads(ws.recv(timeout=10)) for _ in range(count)]


def test_stream_sends_only_the_subscribed_type_with_its_payload(shop):
    user = new_user()
    with _stream(shop, user, "type=ledger.credited") as ws:
        _publish(
            shop,
            user,
            [
                {"type": "ledger.debited", "aggregate_id": "a", "payload": {"n": 1}},
                {"type": "ledger.credited", "aggregate_id": "a", "payload": {"n": 2, "x": [1]}},
                {"type": "ledger.credited", "aggregate_id": "b", "payload": {"n": 3}},
            ],
        )
        got = _receive(ws, 2)
    assert [(e["type"], e["aggregate_id"], e["payload"]) for e in got] == [
        ("ledger.credited", "a", {"n": 2, "x": [1]}),
        ("ledger.credited", "b", {"n": 3}),
    ]


def test_aggregate_filter_and_replay_beyond_one_page_then_live_without_repeats(shop):
    user = new_user()
    first = _publish(
        shop,
        user,
        [{"type": "ledger.tick", "aggregate_id": "big", "payload": {"n": n}} for n in range(600)]
        + [{"type": "ledger.tick", "aggregate_id": "other", "payload": {}}],
    )
    with _stream(shop, user, f"aggregate_id=big&after_id={first[0]['id'] - 1}") as ws:
        replayed = _receive(ws, 600)
        live = _publish(shop, user, [{"type": "ledger.tick", "aggregate_id": "big", "payload": {}}])
        [after] = _receive(ws, 1)
    assert [e["sequence"] for e in replayed] == list(range(1, 601))
    assert after["id"] == live[0]["id"] and after["sequence"] == 601


def test_malformed_filter_is_refused_at_the_handshake(shop):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as refused:
        _stream(shop, new_user(), "type=" + "x" * 129)
    assert refused.value.response.status_code == 400
    assert b'"type must be 1 to 128 characters"' in bytes(refused.value.response.body)


def test_after_id_0_replays_every_earlier_event_and_no_after_id_replays_none(shop):
    user = new_user()
    earlier = _publish(
        shop,
        user,
        [{"type": "ledger.tick", "aggregate_id": "z", "payload": {"n": n}} for n in (1, 2)],
    )
    with _stream(shop, user, "after_id=0") as replaying, _stream(shop, user, "") as live_only:
        replayed = _receive(replaying, 2)
        [new] = _publish(shop, user, [{"type": "ledger.tick", "aggregate_id": "z", "payload": {}}])
        assert [e["id"] for e in replayed] == [e["id"] for e in earlier]
        assert _receive(replaying, 1)[0]["id"] == new["id"]
        assert _receive(live_only, 1)[0]["id"] == new["id"]  # the first it sees is the new one
