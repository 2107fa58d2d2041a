import pytest
from phasebook.jsonpath import PathNotFound, parse, resolve

DATA = {"items": [{"product_id": 1, "quantity": 2}, {"product_id": 3}], "a.b": {"c": 1}}


def test_dotted_and_bracket_steps_are_parsed():
    assert parse("items[0].quantity") == ["items", 0, "quantity"]
    assert parse('["a.b"].c') == ["a.b", "c"]


def test_value_is_resolved_with_negative_index():
    assert resolve(DATA, "items[-1].product_id") == 3
    assert resolve(DATA, "items[0].quantity") == 2


def test_missing_key_names_the_step_and_keys():
    with pytest.raises(
        PathNotFound, match=r"items\[1\] has no key 'quantity' \(keys: product_id\)"
    ):
        resolve(DATA, "items[1].quantity")


def test_index_out_of_range_says_how_many_items():
    with pytest.raises(PathNotFound, match=r"items has 2 items, no \[5\]"):
        resolve(DATA, "items[5]")


def test_invalid_path_is_rejected():
    with pytest.raises(ValueError, match="invalid path"):
        parse("items[x]")
