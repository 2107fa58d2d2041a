import io

from phasebook.runner.progress import Progress, describe


def test_describe_counts_and_error(failed_result, crashed_result) -> None:
    assert describe(failed_result) == "1 passed, 1 failed, 1 skipped"
    assert describe(crashed_result) == "1 passed; KeyError in cell 2: 'missing'"


def test_progress_lines_and_summary_table(passed_result, failed_result) -> None:
    stream = io.StringIO()
    progress = Progress(stream, width=10)
    progress.started("03_cart")
    progress.finished(failed_result)
    progress.summary([passed_result, failed_result], "outputs/run")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "  … 03_cart     started"
    assert lines[1] == "  ✗ 03_cart        2.5s  1 passed, 1 failed, 1 skipped"
    assert lines[3:] == [
        "notebook    status    passed  failed  skipped  xfail  duration",
        "01_catalog  ✓ passed       1       0        0      0      1.5s",
        "03_cart     ✗ failed       1       1        1      0      2.5s",
        "1/2 notebooks passed — report: outputs/run/index.html",
    ]


def test_a_notebook_whose_checks_all_skipped_is_not_a_green_pass(passed_result) -> None:
    for check in passed_result.checks:
        check["status"] = "skipped"
    stream = io.StringIO()
    progress = Progress(stream, width=10)
    progress.finished(passed_result)
    progress.summary([passed_result], "outputs/run")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("  – 01_catalog")
    assert lines[-2].startswith("01_catalog  – skipped")
    assert lines[-1] == "0/1 notebooks passed, 1 skipped — report: outputs/run/index.html"


def test_expected_failures_are_counted_in_the_line_and_the_table(passed_result) -> None:
    passed_result.checks.append({**passed_result.checks[0], "status": "xfail"})
    stream = io.StringIO()
    progress = Progress(stream, width=10)
    progress.finished(passed_result)
    progress.summary([passed_result], "outputs/run")
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("1 passed, 1 xfail"), lines[0]
    assert lines[-2] == "01_catalog  ✓ passed       1       0        0      1      1.5s"
