import json
from decimal import Decimal

import pytest
from phasebook.checks import Checks
from phasebook.display import CHECK_MIME
from phasebook.redact import Redactor
from phasebook.response import Response


def response(
    status=200, text='{"items": [{"product_id": 1, "quantity": 2}], "total_price": 2599.98}'
):
    return Response(
        method="POST",
        path="/api/v1/cart/items",
        url="http://gw/x",
        status=status,
        headers={},
        text=text,
        elapsed_ms=1.0,
        request_id="r",
    )


@pytest.fixture
def checks(shown):
    current = {"id": "3.2"}
    made = Checks(redactor=Redactor(["s3cret"]), display=shown, test_id=lambda: current["id"])
    made.current = current
    return made


def test_passing_status_check_is_recorded_and_emitted(checks, shown):
    assert checks.status(response(), 200)
    payload = shown.of(CHECK_MIME)[0]
    assert payload.pop("at") > 1.7e9
    assert payload == {
        "seq": 1,
        "test_id": "3.2",
        "name": "status",
        "status": "passed",
        "expected": 200,
        "actual": 200,
        "message": "POST /api/v1/cart/items → 200",
    }
    assert shown[0]["text/plain"] == "✓ [3.2] POST /api/v1/cart/items → 200"


def test_failing_status_check_shows_expected_actual_and_body(checks, shown):
    outcome = checks.status(response(400, '{"error": "bad"}'), (200, 201))
    assert not outcome and repr(outcome) == "<failed check 'status'>"
    bundle = shown[0]
    assert bundle["text/plain"].startswith(
        "✗ [3.2] POST /api/v1/cart/items: expected status [200, 201], got 400"
    )
    assert "expected" in bundle["text/html"] and "actual" in bundle["text/html"]
    assert bundle[CHECK_MIME]["status"] == "failed"


def test_checks_continue_after_a_failure_and_file_under_current_test(checks):
    checks.equal("total_items", 1, 2)
    checks.current["id"] = "3.3"
    checks.equal("total_items", 2, 2)
    assert [(r.test_id, r.status) for r in checks.results] == [("3.2", "failed"), ("3.3", "passed")]
    assert [r.seq for r in checks.results] == [1, 2]


def test_equal_compares_decimal_and_float_and_payload_is_json_safe(checks, shown):
    assert checks.equal("total_price", Decimal("2599.98"), 2599.98)
    assert shown.of(CHECK_MIME)[0]["actual"] == 2599.98


def test_json_path_reads_into_a_response(checks):
    assert checks.json_path("items[0].quantity", response(), "items[0].quantity", 2)
    assert not checks.json_path("items[1].quantity", response(), "items[1].quantity", 2)
    assert "items has 1 items, no [1]" in checks.results[-1].message


def test_subset_reports_the_mismatching_path(checks):
    assert checks.subset("subset", response(), {"items": [{"product_id": 1}]})
    assert not checks.subset("cart", response(), {"items": [{"quantity": 3}]})
    assert checks.results[-1].message == "cart: items[0].quantity: expected 3, got 2"


def test_money_tolerates_float_noise(checks):
    assert checks.money("total", 2599.9800000000001, "2599.98")
    assert not checks.money("total", 2599.97, "2599.98")


def test_length_unique_one_of_true_matches(checks):
    assert checks.length("length", [1, 2, 3], 3)
    assert not checks.length("length", None, 1)
    assert checks.unique("unique", ["a", "b"])
    assert not checks.unique("unique", ["a", "b", "a"])
    assert "duplicates ['a']" in checks.results[-1].message
    assert checks.one_of("status", "FAILED", ["COMPLETED", "FAILED"])
    assert not checks.true("consistent", False, "stock never negative")
    assert checks.matches("value", "0b7e6c1e", r"[0-9a-f]{8}")
    assert not checks.matches("value", "x0b7e6c1e", r"[0-9a-f]{8}")


def test_skip_is_recorded_as_skipped_not_failed(checks, shown):
    checks.skip("platform control unavailable")
    assert checks.counts() == {"passed": 0, "failed": 0, "skipped": 1, "xfail": 0}
    assert shown.of(CHECK_MIME)[0]["status"] == "skipped"


def test_secrets_never_reach_check_outputs(checks, shown):
    checks.equal("token", "Bearer s3cret", "other")
    text = repr(shown) + repr(checks.summary().to_dict())
    assert "s3cret" not in text and "***" in text


def test_summary_is_a_frame_with_one_row_per_check(checks):
    checks.equal("a", 1, 1)
    checks.equal("b", 1, 2)
    frame = checks.summary()
    assert list(frame["status"]) == ["passed", "failed"]


def test_display_outside_ipython_prints_text(capsys):
    Checks().equal("answer", 42, 42)
    assert "✓ answer == 42" in capsys.readouterr().out


def test_checklist_marks_an_item_by_the_checks_of_its_tests():
    from phasebook.checks import Checks

    current = {"id": "S1.1"}
    checks = Checks(display=lambda bundle: None, test_id=lambda: current["id"])
    checks.equal("status", 200, 200)
    current["id"] = "S1.2"
    checks.equal("stock", 48, 47)
    table = checks.checklist(
        {
            "Happy path completes": ("201 + COMPLETED", ["S1.1"]),
            "Stock reduced": ("DB diff", ["S1.2"]),
            "Never run": ("nothing", ["S9.9"]),
        }
    )
    assert table[""].tolist() == ["✓", "✗", "✗"]


def test_a_failed_json_check_shows_a_field_level_diff_with_the_differing_path_marked():
    shown = []
    checks = Checks(display=shown.append)
    checks.equal(
        "cart", {"total_price": 2599.99, "items": [1]}, {"total_price": 2599.98, "items": [1]}
    )
    html = shown[-1]["text/html"]
    assert "data-diff-path='total_price'" in html and "data-diff-path='items" not in html
    assert "total_price: expected 2599.98, got 2599.99" in html


def test_numpy_scalars_are_shown_as_plain_numbers():
    import numpy as np

    shown = []
    checks = Checks(display=shown.append)
    checks.equal("amount", np.float64(3899.97), 3899.98)
    assert shown[-1]["text/plain"].endswith("amount: expected 3899.98, got 3899.97")
    assert "np.float64" not in shown[-1]["text/html"]


def test_has_keys_passes_on_a_response_and_names_the_missing_keys(checks, shown):
    assert checks.has_keys("cart", response(), ["items", "total_price"])
    outcome = checks.has_keys("cart", {"items": [], "id": 1}, ["items", "total_price", "owner"])
    assert not outcome
    assert shown[-1]["text/plain"].endswith(
        "cart: missing keys ['total_price', 'owner'] (has ['id', 'items'])"
    )
    assert not checks.has_keys("cart", [1, 2], ["items"])
    assert shown[-1]["text/plain"].endswith("expected an object with keys ['items'], got list")


ITEM_SCHEMA = {
    "type": "object",
    "required": ["product_id", "quantity"],
    "properties": {
        "product_id": {"type": "integer"},
        "quantity": {"type": "integer", "minimum": 1},
    },
}
CART_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": ITEM_SCHEMA}}}


def test_json_schema_validates_a_response_and_json_text(checks):
    assert checks.json_schema("cart", response(), CART_SCHEMA)
    assert checks.json_schema("item", '{"product_id": 1, "quantity": 3}', ITEM_SCHEMA)


def test_json_schema_failure_names_the_path_of_each_violation(checks, shown):
    bad = response(text='{"items": [{"product_id": "one", "quantity": 0}]}')
    assert not checks.json_schema("cart", bad, CART_SCHEMA)
    message = shown[-1]["text/plain"]
    assert "items[0].product_id: 'one' is not of type 'integer'" in message
    assert "items[0].quantity: 0 is less than the minimum of 1" in message
    assert not checks.json_schema("item", {"quantity": 1}, ITEM_SCHEMA)
    assert "(root): 'product_id' is a required property" in shown[-1]["text/plain"]


def test_json_schema_with_a_broken_schema_is_a_failed_check_not_an_exception(checks, shown):
    assert not checks.json_schema("cart", {}, {"type": "no-such-type"})
    assert "cart: bad schema:" in shown[-1]["text/plain"]


def test_json_schema_reads_a_schema_file_given_as_a_path(checks, shown, tmp_path):
    contract = tmp_path / "contracts" / "events" / "cart.item.json"
    contract.parent.mkdir(parents=True)
    contract.write_text(json.dumps(ITEM_SCHEMA))
    assert checks.json_schema("item", {"product_id": 1, "quantity": 3}, contract)
    assert not checks.json_schema("item", {"product_id": 1, "quantity": 0}, contract)
    assert "quantity: 0 is less than the minimum of 1" in shown[-1]["text/plain"]


def test_a_missing_or_broken_schema_file_is_a_failed_check_naming_it(checks, shown, tmp_path):
    missing = tmp_path / "contracts" / "events" / "no.such.event.json"
    assert not checks.json_schema("no.such.event", {}, missing)
    assert f"no.such.event: cannot read the schema file {missing}:" in shown[-1]["text/plain"]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert not checks.json_schema("broken", {}, broken)
    assert f"cannot read the schema file {broken}" in shown[-1]["text/plain"]


def test_is_type_accepts_tuples_and_does_not_take_a_bool_for_an_int(checks, shown):
    assert checks.is_type("id", 7, int)
    assert checks.is_type("price", 7, (int, float))
    assert not checks.is_type("id", True, int)
    assert shown[-1]["text/plain"].endswith("id: expected int, got bool True")
    assert checks.is_type("flag", True, bool)
    assert not checks.is_type("name", None, str)
