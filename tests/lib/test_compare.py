from decimal import Decimal

from phasebook.compare import equal, money_equal, subset_mismatches


def test_numbers_compare_by_value_across_types():
    assert equal(2599.98, Decimal("2599.98"))
    assert equal(2, 2.0)
    assert not equal(0.1 + 0.2, 0.3)


def test_booleans_are_not_numbers():
    assert not equal(True, 1)


def test_money_is_equal_within_half_a_cent():
    assert money_equal(2599.9800000001, "2599.98")
    assert money_equal(Decimal("10.004"), 10)
    assert not money_equal(10.01, 10)
    assert not money_equal(None, 0)


def test_subset_accepts_extra_keys_and_reports_differences():
    actual = {"a": 1, "b": {"c": 2, "d": 3}, "extra": True}
    assert subset_mismatches(actual, {"a": 1, "b": {"c": 2}}) == []
    assert subset_mismatches(actual, {"b": {"c": 9}, "z": 1}) == [
        "b.c: expected 9, got 2",
        "z: missing",
    ]


def test_lists_compare_element_wise_by_default():
    assert subset_mismatches([{"q": 1}, {"q": 2}], [{"q": 1}]) == ["value: expected 1 items, got 2"]
    assert subset_mismatches({"l": [{"q": 1, "x": 0}]}, {"l": [{"q": 2}]}) == [
        "l[0].q: expected 2, got 1"
    ]


def test_lists_can_be_checked_for_containment():
    actual = [{"id": 1, "q": 2}, {"id": 3, "q": 4}]
    assert subset_mismatches(actual, [{"id": 3}], contains=True) == []
    assert subset_mismatches(actual, [{"id": 5}], contains=True) == [
        "value: no element matches {'id': 5}"
    ]
