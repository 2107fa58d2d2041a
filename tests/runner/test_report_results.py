from nbformat.v4 import new_code_cell, new_notebook
from phasebook.report.results import read_result


def test_checks_come_from_results_payload_with_their_cells(failed_result) -> None:
    cells = {c["seq"]: c["cell"] for c in failed_result.checks}
    assert cells == {1: 1, 2: 4, 3: 5}
    assert failed_result.counts == {"passed": 1, "failed": 1, "skipped": 1, "xfail": 0, "xpass": 0}


def test_a_failed_check_fails_the_notebook_without_a_notebook_error(failed_result) -> None:
    assert failed_result.status == "failed"
    assert failed_result.error is None


def test_tests_group_checks_by_test_id_with_titles(failed_result) -> None:
    tests = {t.test_id: (t.status, t.label) for t in failed_result.tests}
    assert tests == {
        "3.1": ("passed", "3.1 List products"),
        "3.2": ("failed", "3.2 Add first item to cart"),
        "3.3": ("skipped", "3.3"),
    }


def test_crash_before_finish_is_an_error_at_its_cell_keeping_earlier_checks(
    crashed_result,
) -> None:
    assert crashed_result.status == "error"
    assert (crashed_result.error.ename, crashed_result.error.cell) == ("KeyError", 2)
    assert [c["seq"] for c in crashed_result.checks] == [1]


def test_no_results_and_no_error_says_finish_was_not_called() -> None:
    result = read_result(new_notebook(cells=[new_code_cell("1")]), name="x", duration_s=0)
    assert result.status == "error"
    assert "session.finish()" in result.error.evalue


def test_timeout_points_at_the_cell_papermill_left_running() -> None:
    cell = new_code_cell("time.sleep(99)")
    cell.metadata["papermill"] = {"status": "running"}
    nb = new_notebook(cells=[new_code_cell("1"), cell])
    error = {"cell_index": None, "ename": "Timeout", "evalue": "exceeded"}
    result = read_result(nb, name="x", duration_s=9, error=error)
    assert (result.error.ename, result.error.cell) == ("Timeout", 1)
