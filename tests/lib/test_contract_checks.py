"""Every response checked against the platform's OpenAPI (platform.openapi in params)."""

import httpx
import phasebook
import pytest
from phasebook.display import CHECK_MIME
from phasebook.report.latency import endpoint_latencies

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api/cart": {
            "get": {
                "responses": {
                    "200": {
                        "description": "cart",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["total_price"],
                                    "properties": {"total_price": {"type": "number"}},
                                }
                            }
                        },
                    }
                }
            }
        },
        "/api/items/{item_id}": {"get": {"responses": {"200": {"description": "an item"}}}},
    },
}


def platform(total_price):
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(200, json=SPEC)
        if request.url.path == "/api/cart":
            return httpx.Response(200, json={"total_price": total_price})
        if request.url.path.startswith("/api/items/"):
            return httpx.Response(200, json={})
        return httpx.Response(404, json={"error": "nope"})

    return httpx.MockTransport(handle)


@pytest.fixture
def contract_session(write_params, repo, shown):
    def make(total_price, openapi="/openapi.json"):
        text = f"platform: {{base_url: 'http://app.test', openapi: '{openapi}'}}\n"
        text += "auth: {mode: none}\n"
        return phasebook.session(
            "contract",
            environ={"PHASEBOOK_PARAMS": str(write_params(text))},
            cwd=repo,
            transport=platform(total_price),
            display=shown,
        )

    return make


def test_a_conforming_response_records_nothing(contract_session, shown):
    s = contract_session(12.5)
    assert s.api.get("/api/cart").ok
    assert shown.of(CHECK_MIME) == []


def test_a_violation_is_a_failed_check_naming_the_schema_path(contract_session, shown):
    s = contract_session("12.50")
    s.test("5.1", "Cart total")
    s.api.get("/api/cart")
    [check] = shown.of(CHECK_MIME)
    assert check["status"] == "failed" and check["name"] == "contract" and check["test_id"] == "5.1"
    assert check["message"].startswith("contract: GET /api/cart → 200: ")
    assert "/properties/total_price/type" in check["message"]
    with pytest.raises(phasebook.ChecksFailed):
        s.finish()


def test_unknown_paths_are_not_the_contracts_business(contract_session, shown):
    s = contract_session(1)
    s.api.get("/elsewhere")
    assert shown.of(CHECK_MIME) == []


def test_openapi_none_turns_it_off(contract_session, shown):
    s = contract_session("not a number", openapi="none")
    s.api.get("/api/cart")
    assert shown.of(CHECK_MIME) == []


def test_journal_rows_carry_the_documented_route_so_the_report_groups_by_it(contract_session):
    s = contract_session(1)
    s.test("2.1", "Items")
    for path in ("/api/items/laptop", "/api/items/mouse", "/api/cart", "/elsewhere"):
        s.api.get(path)
    journal = s.results()["journal"]
    assert [row.get("route") for row in journal] == [
        "/api/items/{item_id}",
        "/api/items/{item_id}",
        "/api/cart",
        None,  # not in the document: the report's heuristic groups it
    ]
    grouped = {(e.path, e.count) for e in endpoint_latencies(journal)}
    assert ("/api/items/{item_id}", 2) in grouped  # 'laptop', 'mouse': no id to the heuristic
