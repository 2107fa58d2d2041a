"""phasebook.openapi: responses judged against an OpenAPI document, violations named by the
JSON pointer of the schema keyword that failed."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from phasebook.errors import ConfigError
from phasebook.openapi import OpenApiContract, Violation

ROOT = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).with_name("openapi_fixtures") / "shopstack_responses.json"
JSON = "application/json"

SMALL = {
    "openapi": "3.1.0",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets/{pet_id}": {
            "get": {
                "responses": {
                    "200": {"content": {JSON: {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "4XX": {"$ref": "#/components/responses/Error"},
                }
            }
        },
        "/pets/mine": {
            "get": {"responses": {"204": {"description": "nothing"}}},
        },
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "tags"],
                "properties": {
                    "id": {"type": "integer"},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                },
            },
            "Tag": {"type": "string", "maxLength": 5},
        },
        "responses": {
            "Error": {
                "description": "error",
                "content": {
                    JSON: {"schema": {"type": "object", "required": ["error"]}},
                },
            }
        },
    },
}
PET = "#/paths/~1pets~1{pet_id}/get/responses"


@pytest.fixture(scope="module")
def pets() -> OpenApiContract:
    return OpenApiContract(SMALL, source="pets")


@pytest.fixture(scope="module")
def shopstack() -> OpenApiContract:
    path = ROOT / "contracts" / "openapi.json"
    return OpenApiContract(json.loads(path.read_text()), source=str(path))


def _check(contract, method, path, status, body, content_type=JSON):
    return contract.violations(
        method=method, path=path, status=status, content_type=content_type, body=body
    )


def test_route_prefers_a_literal_template_over_a_parameter(pets):
    assert pets.route("GET", "/pets/mine") == "/pets/mine"
    assert pets.route("GET", "/pets/7?expand=1") == "/pets/{pet_id}"
    assert pets.route("POST", "/pets/7") is None
    assert pets.route("GET", "/owners/1") is None


def test_a_conforming_body_has_no_violation(pets):
    assert _check(pets, "GET", "/pets/7", 200, {"id": 7, "tags": ["cute"]}) == []


def test_a_wrong_type_through_two_refs_names_the_keyword_in_the_response_schema(pets):
    assert _check(pets, "GET", "/pets/7", 200, {"id": "7", "tags": ["far too long"]}) == [
        Violation(
            route="/pets/{pet_id}",
            status=200,
            schema_path=f"{PET}/200/content/application~1json/schema/properties/id/type",
            message="$.id: '7' is not of type 'integer'",
        ),
        Violation(
            route="/pets/{pet_id}",
            status=200,
            schema_path=f"{PET}/200/content/application~1json/schema/properties/tags/items/maxLength",
            message="$.tags[0]: 'far too long' is too long",
        ),
    ]


def test_an_undocumented_status_is_a_violation(pets):
    [violation] = _check(pets, "GET", "/pets/7", 500, {"error": "boom"})
    assert violation.schema_path == PET
    assert violation.message == "status 500 is not documented (documented: 200, 4XX)"


def test_a_status_range_and_a_referenced_response_are_followed(pets):
    assert _check(pets, "GET", "/pets/7", 404, {"error": "no such pet"}) == []
    [violation] = _check(pets, "GET", "/pets/7", 404, {"detail": "no such pet"})
    assert violation.schema_path == (
        "#/components/responses/Error/content/application~1json/schema/required"
    )


def test_an_undocumented_content_type_is_a_violation(pets):
    [violation] = _check(pets, "GET", "/pets/7", 200, "<html>", content_type="text/html")
    assert violation.schema_path == f"{PET}/200/content"
    assert "text/html is not documented" in violation.message


def test_a_body_that_is_not_json_is_a_violation(pets):
    [violation] = _check(pets, "GET", "/pets/7", 200, b"{oops")
    assert violation.message == "body is not JSON: '{oops'"


def test_unknown_paths_and_responses_without_content_are_not_checked(pets):
    assert _check(pets, "GET", "/owners/1", 500, "anything") == []
    assert _check(pets, "GET", "/pets/mine", 204, None) == []


def test_an_undocumented_method_on_a_known_path_is_a_violation(pets):
    [violation] = _check(pets, "DELETE", "/pets/7", 200, None)
    assert violation == Violation(
        "/pets/{pet_id}",
        200,
        "#/paths/~1pets~1{pet_id}",
        "DELETE is not documented for /pets/{pet_id}",
    )


def test_openapi_30_nullable_is_honoured():
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                JSON: {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "note": {"type": "string", "nullable": True}
                                        },
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    }
    contract = OpenApiContract(document)
    assert _check(contract, "GET", "/x", 200, {"note": None}) == []
    assert len(_check(contract, "GET", "/x", 200, {"note": 3})) == 1


def test_every_recorded_shopstack_answer_conforms_to_the_committed_document(shopstack):
    recorded = json.loads(RECORDED.read_text())
    assert len(recorded) >= 20
    for answer in recorded:
        found = _check(
            shopstack,
            answer["method"],
            answer["path"],
            answer["status"],
            answer["body"],
            answer["content_type"],
        )
        assert found == [], (answer["method"], answer["path"], found)


def test_the_broken_contract_switch_would_be_caught_with_its_schema_path(shopstack):
    recorded = json.loads(RECORDED.read_text())
    cart = next(a for a in recorded if a["path"] == "/api/v1/cart" and a["body"]["items"])
    broken = {**cart["body"], "total_price": str(cart["body"]["total_price"])}
    assert _check(shopstack, "GET", "/api/v1/cart", 200, broken) == [
        Violation(
            route="/api/v1/cart",
            status=200,
            schema_path="#/paths/~1api~1v1~1cart/get/responses/200/content/application~1json"
            "/schema/properties/total_price/type",
            message=f"$.total_price: '{broken['total_price']}' is not of type 'number'",
        )
    ]


def test_load_reads_a_path_on_the_platform_through_the_given_client():
    seen = []

    def platform(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=SMALL)

    with httpx.Client(transport=httpx.MockTransport(platform)) as http:
        contract = OpenApiContract.load("/openapi.json", base_url="http://shop:8080/", http=http)
    assert seen == ["http://shop:8080/openapi.json"]
    assert contract.route("GET", "/pets/1") == "/pets/{pet_id}"


def test_load_reads_a_local_json_or_yaml_file(tmp_path):
    import yaml

    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(SMALL))
    contract = OpenApiContract.load(str(tmp_path / "spec.yaml"), base_url="http://unused")
    assert contract.route("GET", "/pets/mine") == "/pets/mine"


@pytest.mark.parametrize("source", [None, "", "none", "None"])
def test_load_none_turns_contract_checks_off(source):
    assert OpenApiContract.load(source, base_url="http://unused") is None


def test_load_says_what_to_do_when_the_document_is_missing():
    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"error": "route not found"})

    with (
        httpx.Client(transport=httpx.MockTransport(missing)) as http,
        pytest.raises(ConfigError) as raised,
    ):
        OpenApiContract.load("/openapi.json", base_url="http://shop", http=http)
    assert str(raised.value) == (
        "the OpenAPI document at http://shop/openapi.json answered 404: set "
        "platform.openapi to the document's URL or file, or to none"
    )


def test_load_refuses_a_source_that_is_nothing_it_can_read():
    with pytest.raises(ConfigError, match="neither a URL, a path on the platform"):
        OpenApiContract.load("spec-that-is-not-here.json", base_url="http://shop")


def test_a_document_that_is_not_openapi_3_is_refused():
    with pytest.raises(ConfigError, match=r"is not an OpenAPI 3 document \(openapi: 2.0\)"):
        OpenApiContract({"swagger": "2.0", "openapi": "2.0"}, source="old.json")


def test_validators_are_compiled_once_per_response_schema(shopstack, monkeypatch):
    """Compiling a validator (and resolving its $refs) is the cost of a check; 500 checks of
    one route and status must build exactly one. Counted, not timed: timings belong in bench/."""
    built = []
    real_class = shopstack._validator_class

    def counting_class(*args, **kwargs):
        built.append(args[0])
        return real_class(*args, **kwargs)

    monkeypatch.setattr(shopstack, "_validator_class", counting_class)
    shopstack._validators.clear()
    recorded = json.loads(RECORDED.read_text())
    cart = next(a for a in recorded if a["path"] == "/api/v1/cart" and a["body"]["items"])
    results = [_check(shopstack, "GET", "/api/v1/cart", 200, cart["body"]) for _ in range(500)]
    assert results == [[]] * 500
    assert len(built) == 1, built
    broken = {**cart["body"], "items": "not a list"}
    assert _check(shopstack, "GET", "/api/v1/cart", 200, broken)
    assert len(built) == 1, "the same schema must reuse its validator for a failing body"
