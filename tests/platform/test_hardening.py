"""The held-back bad inputs of issue 12, against a running platform (``shopstack up``): each
gets a 4xx in the contract's shape and the keep-alive connection survives; plus the bounded
bookkeeping of the cart cache and the refusal of an ambiguous auth configuration."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
import pytest
from shopstack.cart.cache import InProcessCartCache, RedisCartCache
from shopstack.cart.domain import new_cart
from shopstack.cart.schemas import CartItemUpdate
from shopstack.settings import Settings, SettingsError
from shopstack.wire import utcnow

_users = itertools.count(7_000_000 + (os.getpid() % 1000) * 1000)
DEEP = "[" * 5000 + "]" * 5000
HUNDRED_MB = 100 * 1024 * 1024


@pytest.fixture
def api(platform):
    with httpx.Client(base_url=platform["gateway_url"], timeout=15) as client:
        yield client


@pytest.fixture
def user():
    return {"X-User-Id": str(next(_users))}


def _local_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("socket").getsockname()[1]


def _assert_contract_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and isinstance(body["error"], str), body


def _still_alive(api: httpx.Client, before: httpx.Response) -> None:
    after = api.get("/health")
    assert after.status_code == 200
    assert _local_port(after) == _local_port(before), "the keep-alive connection was dropped"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/checkout"), ("POST", "/api/v1/cart/items"), ("PUT", "/api/v1/cart/items/1")],
)
def test_json_5000_deep_is_400_and_the_connection_survives(api, user, method, path):
    headers = {**user, "content-type": "application/json"}
    response = api.request(method, path, content=DEEP, headers=headers)
    _assert_contract_error(response, 400, "invalid_request")
    assert response.json()["error"].startswith("invalid request body: ")
    _still_alive(api, response)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/events?after_id={2**64}",
        f"/api/v1/events?limit={2**64}",
        f"/api/v1/products/{2**64}",
        f"/api/v1/orders?limit={2**64}",
    ],
)
def test_out_of_range_integers_are_400_and_the_connection_survives(api, user, path):
    response = api.get(path, headers=user)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error", "code"}
    _still_alive(api, response)


def test_out_of_range_quantity_in_a_body_is_400_invalid_quantity(api, user):
    response = api.post(
        "/api/v1/cart/items", json={"product_id": 1, "quantity": 2**64}, headers=user
    )
    _assert_contract_error(response, 400, "invalid_quantity")
    _still_alive(api, response)


def test_event_stream_with_out_of_range_after_id_is_refused_cleanly(api, platform, user):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    url = (
        platform["gateway_url"].replace("http", "ws", 1) + f"/api/v1/events/stream?after_id={2**64}"
    )
    with pytest.raises(InvalidStatus) as refused, connect(url, additional_headers=user):
        pass
    answer = refused.value.response  # an HTTP answer to the handshake, in the contract's shape
    assert answer.status_code == 400
    assert json.loads(bytes(answer.body)) == {
        "error": "after_id must be an integer 0..9007199254740991",
        "code": "invalid_request",
    }
    assert api.get("/health").status_code == 200


def _raw_request(gateway_url: str, head: str) -> socket.socket:
    parts = urlsplit(gateway_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.sendall(head.encode())
    return sock


def _send_until_answered(sock: socket.socket, *, chunk: bytes, total: int, chunked: bool) -> int:
    """Send up to ``total`` bytes of body; stop when the server answers. Bytes sent."""
    sock.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 30
    while sent < total and time.monotonic() < deadline:
        try:
            if sock.recv(1, socket.MSG_PEEK):
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
        try:
            sock.sendall(frame)
        except (BlockingIOError, OSError):
            time.sleep(0.01)
            continue
        sent += len(chunk)
    sock.setblocking(True)
    return sent


def _answer(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    data = b""
    with sock:
        while b"payload_too_large" not in data:  # the 413 closes the connection after its body
            try:
                more = sock.recv(65536)
            except OSError:
                break
            if not more:
                break
            data += more
    return data


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_413_before_it_is_sent(platform, chunked):
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {HUNDRED_MB}"
    head = (
        "POST /api/v1/cart/items HTTP/1.1\r\nHost: shop\r\n"
        f"Content-Type: application/json\r\n{length}\r\n\r\n"
    )
    sock = _raw_request(platform["gateway_url"], head)
    sent = _send_until_answered(sock, chunk=b"1" * 65536, total=HUNDRED_MB, chunked=chunked)
    answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"payload_too_large"' in answer, answer[:400]
    assert sent < HUNDRED_MB / 4, f"the client could send {sent} bytes before the answer"
    print(f"answered 413 after {sent} bytes sent")


def test_cart_refuses_a_line_past_the_cap_with_a_clear_message(api, user, admin_token):
    admin = {"Authorization": f"Bearer {admin_token}"}
    cap = 100
    ids = [1, 2, 3, 4, 5]
    while len(ids) <= cap:
        created = api.post(
            "/api/v1/admin/products",
            json={"name": f"line-cap {len(ids)}", "price": 1.0, "stock": 10},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    for product_id in ids[:cap]:
        added = api.post(
            "/api/v1/cart/items", json={"product_id": product_id, "quantity": 1}, headers=user
        )
        assert added.status_code == 200, added.text
    refused = api.post(
        "/api/v1/cart/items", json={"product_id": ids[cap], "quantity": 1}, headers=user
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": f"a cart holds at most {cap} distinct products: remove one before adding another",
        "code": "too_many_lines",
        "max_lines": cap,
    }
    more_of_one = api.post(
        "/api/v1/cart/items", json={"product_id": ids[0], "quantity": 1}, headers=user
    )
    assert more_of_one.status_code == 200  # a product already in the cart needs no new line
    assert api.get("/api/v1/cart", headers=user).json()["total_items"] == cap


def test_cart_line_cap_applies_in_the_domain():
    cart = new_cart(1, now=utcnow())
    for product_id in (1, 2, 3):
        cart.add(product_id, 1, now=utcnow(), max_lines=3)
    with pytest.raises(Exception) as refused:
        cart.add(4, 1, now=utcnow(), max_lines=3)
    assert (refused.value.status, refused.value.code) == (400, "too_many_lines")


def test_trailing_slash_with_a_foreign_host_echoes_nothing(api):
    response = api.get("/api/v1/products/", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "evil.example" not in response.headers.get("location", "")
    assert "location" not in response.headers


def test_options_answers_allow(api):
    response = api.options("/api/v1/cart/items/1")
    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == {"PUT", "DELETE", "OPTIONS"}


async def _fill_after_eviction(cache: InProcessCartCache) -> bool:
    _view, generation = await cache.lookup(1)  # a reader notes user 1's generation...
    await cache.invalidate(1)  # ...a writer changes the cart...
    for other in range(2, 50):  # ...and user 1's generation is evicted
        await cache.invalidate(other)
    return await cache.fill(1, generation, {"stale": True})


def test_in_process_generations_are_bounded_and_eviction_never_admits_a_stale_fill():
    import asyncio

    cache = InProcessCartCache(max_generations=10)
    assert asyncio.run(_fill_after_eviction(cache)) is False
    assert cache.bookkeeping_size() == 10


def test_redis_generation_keys_expire(redis_url):
    import asyncio

    import redis.asyncio as aioredis

    async def scenario() -> int:
        client = aioredis.from_url(redis_url, decode_responses=True)
        cache = RedisCartCache(client, namespace="test_ttl", generation_ttl_s=600)
        try:
            await cache.invalidate(4242)
            return await client.ttl(cache.keys(4242)[1])
        finally:
            await cache.aclose()

    assert 0 < asyncio.run(scenario()) <= 600


def test_settings_refuse_a_jwt_secret_without_jwt_mode(monkeypatch):
    monkeypatch.delenv("SHOPSTACK_AUTH_MODE", raising=False)
    monkeypatch.setenv("SHOPSTACK_JWT_SECRET", "x" * 32)
    with pytest.raises(SettingsError, match="SHOPSTACK_JWT_SECRET is set but SHOPSTACK_AUTH_MODE"):
        Settings.from_env()


def test_gateway_process_refuses_to_start_with_an_ambiguous_auth_configuration():
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPSTACK_")}
    env.update(SHOPSTACK_AUTH_MODE="mock", SHOPSTACK_JWT_SECRET="x" * 32)
    started = subprocess.run(
        [sys.executable, "-m", "shopstack.serve", "gateway", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 2
    assert started.stderr.strip() == (
        "shopstack gateway: SHOPSTACK_JWT_SECRET is set but SHOPSTACK_AUTH_MODE is 'mock': "
        "set SHOPSTACK_AUTH_MODE=jwt to require tokens, or unset SHOPSTACK_JWT_SECRET"
    )
    assert "x" * 32 not in started.stderr


def test_body_limit_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SHOPSTACK_MAX_BODY_BYTES", "4096")
    assert Settings.from_env().max_body_bytes == 4096
    monkeypatch.setenv("SHOPSTACK_MAX_BODY_BYTES", "lots")
    with pytest.raises(
        SettingsError, match="SHOPSTACK_MAX_BODY_BYTES='lots' is not a whole number"
    ):
        Settings.from_env()


@pytest.mark.parametrize("namespace", ["", "Shop", "my-stack", "1st", "a:b", "x" * 41])
def test_settings_refuse_a_namespace_that_is_not_one_lower_case_word(monkeypatch, namespace):
    """It prefixes PostgreSQL schemas and Redis keys: a value that is neither is refused."""
    monkeypatch.setenv("SHOPSTACK_DB_NAMESPACE", namespace)
    with pytest.raises(SettingsError, match="SHOPSTACK_DB_NAMESPACE=.*lower-case letters"):
        Settings.from_env()


def test_settings_take_a_namespace_of_letters_digits_and_underscores(monkeypatch):
    monkeypatch.setenv("SHOPSTACK_DB_NAMESPACE", "ci_run_7")
    assert Settings.from_env().db_namespace == "ci_run_7"


def test_a_service_route_answers_an_unparsable_body_in_the_contract_shape():
    """Behind the gateway too (e.g. the cart service): FastAPI's own "There was an error
    parsing the body" (a RecursionError deep inside json) becomes the contract's message."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from shopstack.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.put("/cart/items/{product_id}")
    async def set_quantity(product_id: int, body: CartItemUpdate) -> dict:
        return {"quantity": body.quantity}

    response = TestClient(app).put(
        "/cart/items/1", content="[" * 100_000, headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid request body: malformed JSON", "code": "invalid_request"},
    )
