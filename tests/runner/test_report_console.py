"""After the summary table the console lists every failed check on one line."""

from __future__ import annotations

import io

from phasebook.report.console import failed_check_line, failed_check_lines, print_failed_checks


def test_a_failed_check_is_one_line_with_notebook_test_and_message():
    check = {
        "test_id": "5.1",
        "name": "payment amount",
        "message": "payment amount: expected '2599.98', got np.float64(2599.99)",
    }
    assert failed_check_line("05_checkout", check) == (
        "05_checkout 5.1 payment amount: expected '2599.98', got 2599.99"
    )


def test_a_multi_line_message_is_flattened_and_named():
    check = {
        "test_id": "3.2",
        "name": "status",
        "message": "POST /x: expected status 200,\ngot 500",
    }
    assert (
        failed_check_line("03_cart", check)
        == "03_cart 3.2 status: POST /x: expected status 200, got 500"
    )


def test_every_failure_and_notebook_error_is_listed(failed_result, crashed_result, passed_result):
    lines = failed_check_lines([passed_result, failed_result, crashed_result])
    assert lines == [
        "03_cart 3.2 total_price: expected 2599.98, got 2599.97",
        "05_crash cell 2: KeyError: 'missing'",
    ]


def test_nothing_is_printed_when_everything_passed(passed_result):
    out = io.StringIO()
    print_failed_checks([passed_result], out)
    assert out.getvalue() == ""


def test_a_failed_json_check_names_the_differing_fields_not_two_blobs():
    check = {
        "test_id": "D.1",
        "name": "cart totals",
        "expected": {"total_items": 1, "total_price": 59.99},
        "actual": {"total_items": 1, "total_price": 59.98},
        "message": "cart totals: expected {...}, got {...}",
    }
    assert failed_check_line("09_x", check) == (
        "09_x D.1 cart totals: total_price: expected 59.99, got 59.98"
    )
