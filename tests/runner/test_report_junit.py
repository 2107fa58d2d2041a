import xml.etree.ElementTree as ET

from golden_files import assert_golden
from phasebook.report.junit import junit_xml

STAMP = "2026-01-02T03:04:05+00:00"


def test_junit_matches_golden(passed_result, failed_result, crashed_result) -> None:
    xml = junit_xml([passed_result, failed_result, crashed_result], timestamp=STAMP)
    assert_golden("junit.xml", xml)


def test_junit_counts_parse_and_add_up(passed_result, failed_result, crashed_result) -> None:
    root = ET.fromstring(junit_xml([passed_result, failed_result, crashed_result], timestamp=STAMP))
    counts = {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "6", "failures": "1", "errors": "1", "skipped": "1"}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
        assert int(suite.get("skipped")) == sum(c.find("skipped") is not None for c in cases)


def test_failure_carries_expected_and_actual(failed_result) -> None:
    root = ET.fromstring(junit_xml([failed_result], timestamp=STAMP))
    case = root.find(".//testcase[@name='3.2 Add first item to cart']")
    failure = case.find("failure")
    assert case.get("classname") == "03_cart"
    assert failure.get("message") == "total_price: expected 2599.98, got 2599.97"
    assert "03_cart.html#cell-4" in failure.text


def test_terminal_escapes_do_not_break_the_xml(crashed_result) -> None:
    crashed_result.error.evalue = "\x1b[31mred\x1b[0m \x07bell"
    root = ET.fromstring(junit_xml([crashed_result], timestamp=STAMP))
    assert root.find(".//error").get("message") == "KeyError: red bell"


def test_a_failed_true_check_reports_its_message_not_true_and_false(failed_result) -> None:
    failed_result.checks[-1].update(
        name="checkout p95",
        expected=True,
        actual=False,
        status="failed",
        message="checkout p95: 290 ms (limit ≤ 0.1 ms) (was false)",
    )
    root = ET.fromstring(junit_xml([failed_result], timestamp=STAMP))
    messages = [f.get("message") for f in root.iter("failure")]
    assert any("checkout p95: 290 ms (limit ≤ 0.1 ms)" in m for m in messages), messages


def _with_tests(result, tests):
    result.declared_tests = tests
    return result


def test_each_testcase_has_the_duration_of_its_test(failed_result) -> None:
    tests = [
        {
            "id": "3.1",
            "title": "List products",
            "status": "passed",
            "started_at": 10.0,
            "ended_at": 10.5,
        },
        {
            "id": "3.2",
            "title": "Add item",
            "status": "failed",
            "started_at": 10.5,
            "ended_at": 12.0,
        },
        {"id": "3.3", "title": "Mail", "status": "skipped", "started_at": 12.0, "ended_at": 12.25},
    ]
    root = ET.fromstring(junit_xml([_with_tests(failed_result, tests)], timestamp=STAMP))
    times = {c.get("name"): c.get("time") for c in root.iter("testcase")}
    assert times == {"3.1 List products": "0.500", "3.2 Add item": "1.500", "3.3 Mail": "0.250"}


def test_xfail_is_skipped_with_its_reason_and_xpass_passes_with_a_note(failed_result) -> None:
    failed_result.checks[1]["status"] = "xfail"
    tests = [
        {"id": "3.1", "title": "List", "status": "xpass", "xfail": "bug 12"},
        {"id": "3.2", "title": "Add", "status": "xfail", "xfail": "rounding bug 7"},
    ]
    root = ET.fromstring(junit_xml([_with_tests(failed_result, tests)], timestamp=STAMP))
    assert root.get("failures") == "0"
    add = root.find(".//testcase[@name='3.2 Add']")
    assert add.find("skipped").get("message") == "xfail: rounding bug 7"
    listed = root.find(".//testcase[@name='3.1 List']")
    assert listed.find("failure") is None and "XPASS" in listed.find("system-out").text


def test_a_json_failure_names_the_check_once_and_lists_the_differing_fields(failed_result) -> None:
    failed_result.checks[1].update(
        name="cart",
        expected={"total_price": 2599.98, "items": [{"quantity": 2}]},
        actual={"total_price": 2599.97, "items": [{"quantity": 2}]},
    )
    failure = ET.fromstring(junit_xml([failed_result], timestamp=STAMP)).find(".//failure")
    assert failure.get("message") == "cart: total_price: expected 2599.98, got 2599.97"
    assert "differing fields:\n    total_price: expected 2599.98, got 2599.97" in failure.text
    assert failure.text.count("cart:") == 1
