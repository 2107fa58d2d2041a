"""The gateway's edge, in process (no services: downstream answers come from a MockTransport):
bounded bodies, JSON depth, integer bounds, OPTIONS/405, no Host reflection, the checkout
503's retry hint and the TEST-ONLY contract breaker."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi.testclient import TestClient
from shopstack.downstream import Downstream
from shopstack.gateway.app import create_app
from shopstack.gateway.body_guard import MAX_JSON_DEPTH, BodyGuard, json_depth

EMPTY_CART = {
    "cart_id": "",
    "user_id": 1,
    "items": [],
    "total_items": 0,
    "total_price": 0,
    "updated_at": "0001-01-01T00:00:00Z",
}
DEEP = "[" * 5000 + "]" * 5000


def _services(request: httpx.Request) -> httpx.Response:
    """The services behind the gateway: an empty cart; the checkout service answers 503."""
    if request.url.path == "/checkout":
        body = {"error": "payment service unavailable", "code": "service_unavailable"}
        return httpx.Response(503, json=body)
    return httpx.Response(200, json=EMPTY_CART)


def _gateway(handler=_services, *, max_body_bytes: int = 1024 * 1024) -> TestClient:
    app = create_app(max_body_bytes=max_body_bytes)
    transport = httpx.MockTransport(handler)
    app.state.downstream = Downstream("gateway", timeout_s=1, attempts=1, transport=transport)
    return TestClient(app, base_url="http://gateway.test")


@pytest.fixture(scope="module")
def gateway() -> TestClient:
    return _gateway()


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) >= {"error", "code"}, body
    return response.status_code, body["code"], body["error"]


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"1", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[[[", "b": "\\"{{"}', 1),
        (b"[" * 33 + b"]" * 33, 33),
        (b"[[[", 3),
    ],
)
def test_json_depth_ignores_brackets_inside_strings(raw, depth):
    assert json_depth(raw) == depth


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/checkout"),
        ("POST", "/api/v1/cart/items"),
        ("PUT", "/api/v1/cart/items/1"),
    ],
)
def test_json_nested_5000_deep_is_400_invalid_request(gateway, method, path):
    response = gateway.request(
        method, path, content=DEEP, headers={"content-type": "application/json"}
    )
    assert _error(response) == (
        400,
        "invalid_request",
        f"invalid request body: JSON nested deeper than {MAX_JSON_DEPTH} levels",
    )


def test_json_at_the_depth_limit_is_parsed_normally(gateway):
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    body = '{"product_id": 1, "quantity": 1, "x": ' + nested + "}"
    response = gateway.post(
        "/api/v1/cart/items", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (f"/api/v1/events?after_id={2**64}", "invalid_request"),
        (f"/api/v1/events?after_id={2**63}", "invalid_request"),
        (f"/api/v1/events?limit={2**64}", "invalid_request"),
        (f"/api/v1/orders?limit={2**64}", "invalid_request"),
        (f"/api/v1/products/{2**64}", "invalid_product_id"),
        ("/api/v1/products/0", "invalid_product_id"),
    ],
)
def test_out_of_range_integers_in_queries_and_paths_are_400(gateway, path, code):
    status, got_code, _message = _error(gateway.get(path))
    assert (status, got_code) == (400, code)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"product_id": 2**64, "quantity": 1}, "invalid_product_id"),
        ({"product_id": 1, "quantity": 2**64}, "invalid_quantity"),
        ({"product_id": 1, "quantity": -(2**64)}, "invalid_quantity"),
        ({"product_id": 1, "quantity": 2.5}, "invalid_request"),
        ({"product_id": 1, "quantity": True}, "invalid_request"),
    ],
)
def test_out_of_range_or_non_integer_body_values_are_400(gateway, body, code):
    status, got_code, _message = _error(gateway.post("/api/v1/cart/items", json=body))
    assert (status, got_code) == (400, code)


def test_whole_number_floats_are_integers_as_the_openapi_says(gateway):
    seen = []

    def services(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, json=EMPTY_CART)

    response = _gateway(services).post(
        "/api/v1/cart/items", json={"product_id": 2.0, "quantity": 3.0}
    )
    assert response.status_code == 200
    assert [json.loads(body) for body in seen] == [{"product_id": 2, "quantity": 3}]


def test_a_body_over_the_limit_is_413_payload_too_large():
    gateway = _gateway(max_body_bytes=2048)
    response = gateway.post("/api/v1/cart/items", content=b"x" * 2049)
    assert _error(response) == (
        413,
        "payload_too_large",
        "request body larger than 2048 bytes: send a smaller body",
    )


def test_a_streamed_body_over_the_limit_is_refused_without_reading_the_rest():
    received = []
    sent = []

    async def receive():
        received.append(1024)
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}  # endless

    async def send(message):
        sent.append(message)

    async def never_called(scope, receive, send):
        raise AssertionError("the route must not see an oversized body")

    scope = {"type": "http", "method": "POST", "path": "/api/v1/cart/items", "headers": []}
    asyncio.run(BodyGuard(never_called, max_body_bytes=4096)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert sum(received) == 5 * 1024  # stopped at the first chunk past the limit


def test_options_lists_every_method_of_the_path(gateway):
    response = gateway.options("/api/v1/cart")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, OPTIONS"


def test_an_undocumented_method_is_405_with_allow(gateway):
    response = gateway.patch("/api/v1/cart/items/3")
    assert _error(response)[:2] == (405, "method_not_allowed")
    assert response.headers["allow"] == "DELETE, OPTIONS, PUT"


def test_trailing_slash_with_a_foreign_host_is_not_redirected(gateway):
    response = gateway.get(
        "/api/v1/cart/", headers={"host": "evil.example"}, follow_redirects=False
    )
    assert _error(response)[:2] == (404, "not_found")
    assert "location" not in response.headers


def test_checkout_503_tells_the_client_to_replay_its_key(gateway):
    response = gateway.post("/api/v1/checkout", json={"idempotency_key": "k-1"})
    assert response.status_code == 503
    assert response.json() == {
        "error": "payment service unavailable",
        "code": "service_unavailable",
        "retry_with_same_idempotency_key": True,
    }


def test_checkout_503_when_the_checkout_service_is_unreachable_has_the_hint_too():
    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    response = _gateway(unreachable).post("/api/v1/checkout", json={"idempotency_key": "k-2"})
    assert response.status_code == 503
    assert response.json()["retry_with_same_idempotency_key"] is True
    assert response.json()["code"] == "service_unavailable"


def test_a_get_cart_503_has_no_checkout_hint():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    response = _gateway(down).get("/api/v1/cart")
    assert response.status_code == 503
    assert "retry_with_same_idempotency_key" not in response.json()


def test_break_contract_switch_serves_total_price_as_a_string(monkeypatch, gateway):
    assert gateway.get("/api/v1/cart").json()["total_price"] == 0
    monkeypatch.setenv("SHOPSTACK_TEST_BREAK_CONTRACT", "1")
    assert gateway.get("/api/v1/cart").json()["total_price"] == "0"


def test_served_openapi_is_the_committed_one_even_after_an_options_request():
    from pathlib import Path

    gateway = _gateway()
    gateway.options("/api/v1/cart")  # builds the method table from the document first
    committed = Path(__file__).resolve().parents[2] / "contracts" / "openapi.json"
    assert gateway.get("/openapi.json").json() == json.loads(committed.read_text())


def test_ids_are_bounded_by_the_largest_integer_json_holds_exactly():
    gateway = _gateway(
        lambda request: httpx.Response(
            404, json={"error": "product not found", "code": "not_found"}
        )
    )
    assert gateway.get(f"/api/v1/products/{2**53 - 1}").status_code == 404  # valid id, unknown
    assert _error(gateway.get(f"/api/v1/products/{2**53}"))[:2] == (400, "invalid_product_id")
    document = gateway.get("/openapi.json").json()
    [parameter] = document["paths"]["/api/v1/products/{product_id}"]["get"]["parameters"]
    assert parameter["schema"]["maximum"] == 2**53 - 1 == float(2**53 - 1)


def test_the_event_stream_refuses_a_bad_after_id_with_the_contracts_400(gateway):
    from starlette.testclient import WebSocketDenialResponse

    url = f"/api/v1/events/stream?after_id={2**64}"
    with pytest.raises(WebSocketDenialResponse) as refused, gateway.websocket_connect(url):
        pass
    assert refused.value.status_code == 400
    assert refused.value.json() == {
        "error": "after_id must be an integer 0..9007199254740991",
        "code": "invalid_request",
    }


def test_a_server_that_cannot_answer_a_handshake_over_http_gets_a_1008_close():
    from shopstack.errors import invalid_request
    from shopstack.gateway.routes.events import POLICY_VIOLATION, _refuse

    class Handshake:
        scope = {"type": "websocket", "extensions": {}}
        closed: tuple[int, str] | None = None

        async def close(self, code: int, reason: str) -> None:
            self.closed = (code, reason)

    websocket = Handshake()
    asyncio.run(_refuse(websocket, invalid_request("after_id")))  # type: ignore[arg-type]
    assert websocket.closed == (POLICY_VIOLATION, "invalid request body: after_id")


def test_a_bad_query_parameter_is_named_as_one_not_as_a_body_field(gateway):
    status, code, message = _error(gateway.get(f"/api/v1/events?after_id={2**64}"))
    assert (status, code) == (400, "invalid_request")
    assert message.startswith("invalid query parameter 'after_id': "), message
    status, code, message = _error(gateway.get("/api/v1/events?limit=abc"))
    assert message.startswith("invalid query parameter 'limit': "), message
