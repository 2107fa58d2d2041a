"""The event contracts: one typed model per event, parsed once by every consumer, exported as
JSON Schemas that must not drift from the models."""

from __future__ import annotations

import ast
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from shopstack.contracts import (
    CONSUMERS,
    PAYLOADS,
    CheckoutCompleted,
    CheckoutFailed,
    CheckoutStatusChanged,
    Delivery,
    InvalidEvent,
    export,
)

REPO = Path(__file__).resolve().parents[2]
SERVICES = REPO / "services" / "shopstack"

COMPLETED = {
    "checkout_id": "co-1",
    "user_id": 42,
    "tenant_id": "default",
    "cart_id": "c",
    "items": [{"product_id": 2, "product_name": "Mouse", "quantity": 3, "price": 29.99}],
    "total_amount": 89.97,
    "currency": "USD",
    "payment_id": "p",
}


def test_committed_json_schemas_match_the_models():
    stale = export.drifted()
    assert stale == [], f"run `python -m shopstack.contracts.export`: {stale} differ"


def test_export_check_names_a_drifted_file(tmp_path, capsys):
    export.write(tmp_path)
    (tmp_path / "checkout.failed.json").write_text("{}\n")
    assert export.main(["--check", "--dir", str(tmp_path)]) == 1
    assert "checkout.failed.json: differs" in capsys.readouterr().err
    assert export.main(["--dir", str(tmp_path)]) == 0 and export.drifted(tmp_path) == []


@pytest.mark.parametrize(
    "payload",
    [
        CheckoutCompleted.model_validate(COMPLETED),
        CheckoutFailed(checkout_id="co-1", user_id=1, failure_reason="payment_declined"),
        CheckoutStatusChanged(checkout_id="co-1", from_status=None, to_status="INITIATED"),
        CheckoutStatusChanged(
            checkout_id="co-1", from_status="INITIATED", to_status="FAILED", failure_reason="x"
        ),
    ],
)
def test_what_the_producer_emits_validates_against_the_exported_schema(payload):
    schema = json.loads((export.DEFAULT_DIR / f"{payload.EVENT_TYPE}.json").read_text())
    jsonschema.validate(payload.as_json(), schema)
    assert type(payload).model_validate(payload.as_json()) == payload  # round trip


def test_wire_shapes_stay_as_documented():
    completed = CheckoutCompleted.model_validate(COMPLETED)
    assert completed.as_json() == COMPLETED  # money stays a JSON number with two decimals
    assert completed.items[0].price == Decimal("29.99") and completed.bought() == {2: 3}
    changed = CheckoutStatusChanged(checkout_id="c", from_status=None, to_status="INITIATED")
    assert changed.as_json() == {"checkout_id": "c", "from": None, "to": "INITIATED"}


def test_a_consumer_parses_its_type_and_ignores_others():
    delivery = Delivery(id="e1", event_type="checkout.completed", payload=COMPLETED)
    assert delivery.payload_as(CheckoutCompleted).order_id == completed_order_id()
    assert delivery.payload_as(CheckoutFailed) is None
    assert (delivery.tenant_id, delivery.sequence) == ("default", None)


def completed_order_id() -> str:
    from shopstack.orders.domain import order_id_for

    return order_id_for("co-1")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"items": []}, "field 'items': List should have at least 1 item"),
        ({"user_id": "x"}, "field 'user_id': Input should be a valid integer"),
        ({"items": [{"product_id": 1, "quantity": 0, "price": 1}]}, "field 'items.0.quantity'"),
        ({"checkout_id": None}, "field 'checkout_id'"),
    ],
)
def test_a_bad_payload_is_a_400_naming_the_field(change, problem):
    delivery = Delivery(id="e1", event_type="checkout.completed", payload=COMPLETED | change)
    with pytest.raises(InvalidEvent) as raised:
        delivery.payload_as(CheckoutCompleted)
    assert (raised.value.status, raised.value.code) == (400, "invalid_request")
    assert raised.value.message.startswith("invalid request body: checkout.completed payload: ")
    assert problem in raised.value.message


def test_every_delivered_type_has_a_model_and_consumers():
    assert set(CONSUMERS) <= set(PAYLOADS)
    assert CONSUMERS["checkout.completed"] == ("cart", "orders", "notifications")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("consumer", ["cart", "orders", "notifications", "inventory", "payment"])
def test_consumers_never_import_the_producers_domain(consumer):
    for path in (SERVICES / consumer).rglob("*.py"):
        checkout = {m for m in _imports(path) if m.startswith("shopstack.checkout")}
        assert checkout == set(), f"{path.relative_to(REPO)} imports {checkout}"


def test_event_type_names_are_spelled_only_in_the_contract():
    spelled = [
        path.relative_to(REPO)
        for path in SERVICES.rglob("*.py")
        if '"checkout.completed"' in path.read_text() or '"checkout.failed"' in path.read_text()
    ]
    assert spelled == [Path("services/shopstack/contracts/events.py")]
