"""The rules of client events (shopstack.checkout.domain.client_events), without a database."""

from __future__ import annotations

import pytest
from shopstack.checkout.domain.client_events import (
    MAX_PAYLOAD_BYTES,
    InvalidEvent,
    NewEvent,
    parse_batch,
    parse_event,
)

VALID = {"type": "ledger.entry_added", "aggregate_id": "ledger-1", "payload": {"amount": 5}}


def test_a_valid_event_is_parsed_with_its_optional_expected_sequence():
    assert parse_event({**VALID, "expected_sequence": 3}) == NewEvent(
        "ledger.entry_added", "ledger-1", {"amount": 5}, expected_sequence=3
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "Ledger"}, "type must be a dotted lower-case name"),
        ({"type": "ledger"}, "type must be a dotted lower-case name"),
        ({"type": 7}, "type must be a dotted lower-case name"),
        ({"aggregate_id": ""}, "aggregate_id must be a string of 1 to 128"),
        ({"aggregate_id": "x" * 129}, "aggregate_id must be a string of 1 to 128"),
        ({"payload": [1]}, "payload must be a JSON object"),
        ({"payload": {"s": "x" * MAX_PAYLOAD_BYTES}}, "at most 65536 are allowed"),
        ({"payload": {"v": float("nan")}}, "NaN or Infinity, which JSON has no numbers for"),
        ({"payload": {"v": [float("inf")]}}, "NaN or Infinity, which JSON has no numbers for"),
        ({"expected_sequence": 0}, "expected_sequence must be an integer from 1"),
        ({"expected_sequence": True}, "expected_sequence must be an integer from 1"),
        ({"expected_sequence": 2**63}, "expected_sequence must be an integer from 1"),
        ({"sequence": 1}, "unknown field 'sequence'"),
    ],
)
def test_an_invalid_event_is_refused_saying_what_is_wrong(change, message):
    with pytest.raises(InvalidEvent, match=message) as caught:
        parse_event({**VALID, **change})
    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize("prefix", ["checkout", "order", "cart", "payment", "config"])
def test_domain_event_types_are_reserved_for_the_platform(prefix):
    with pytest.raises(InvalidEvent, match="reserved for the platform") as caught:
        parse_event({**VALID, "type": f"{prefix}.completed"})
    assert caught.value.code == "reserved_event_type"


def test_a_batch_names_the_index_of_its_first_invalid_event():
    events = [VALID] * 3 + [{**VALID, "type": "order.created"}]
    with pytest.raises(InvalidEvent, match=r"^events\[3\]: type 'order.created' is reserved"):
        parse_batch({"events": events})


@pytest.mark.parametrize("events", [[], [VALID] * 1001, "all", None])
def test_a_batch_holds_one_to_a_thousand_events(events):
    with pytest.raises(InvalidEvent, match="events must be a list of 1 to 1000 events"):
        parse_batch({"events": events})
