"""CellTracker: a re-run cell replaces its records in place and keeps its first test id."""

from __future__ import annotations

from dataclasses import dataclass

from phasebook.cells import CellTracker, Execution, kernel_execution


@dataclass
class Record:
    name: str
    cell: Execution | None


class FakeFrontEnd:
    """Plays JupyterLab: which cell runs, each run with a new execute_request msg_id."""

    def __init__(self) -> None:
        self.now: Execution | None = None
        self._runs = 0

    def run(self, cell_id: str) -> None:
        self._runs += 1
        self.now = Execution(cell_id, f"msg-{self._runs}")


def tracked() -> tuple[CellTracker, FakeFrontEnd]:
    front = FakeFrontEnd()
    return CellTracker(lambda: front.now), front


def test_without_a_cell_id_records_append_and_use_the_current_test():
    tracker = CellTracker(lambda: None)
    records: list[Record] = []
    for name in ("a", "a", "b"):
        tracker.file(records, Record(name, tracker.current()))
    assert [r.name for r in records] == ["a", "a", "b"]
    assert tracker.test_id("5.2") == "5.2"


def test_rerunning_a_cell_replaces_its_records_in_their_place():
    tracker, front = tracked()
    records: list[Record] = []
    for cell, names in (("c1", ["x", "y"]), ("c2", ["z"])):
        front.run(cell)
        for name in names:
            tracker.file(records, Record(name, tracker.current()))
    front.run("c1")
    tracker.file(records, Record("x2", tracker.current()))
    tracker.file(records, Record("y2", tracker.current()))
    tracker.file(records, Record("w2", tracker.current()))
    assert [r.name for r in records] == ["x2", "y2", "w2", "z"]


def test_a_rerun_cell_keeps_the_test_id_of_its_first_run():
    tracker, front = tracked()
    front.run("check-5.1")
    assert tracker.test_id("5.1") == "5.1"
    front.run("check-5.2")
    assert tracker.test_id("5.2") == "5.2"
    front.run("check-5.1")
    assert tracker.test_id("5.2") == "5.1"


def test_a_rerun_cell_that_switches_test_uses_the_new_one():
    tracker, front = tracked()
    front.run("cell")
    assert tracker.test_id("4.9") == "4.9"
    front.run("cell")
    tracker.switched()
    assert tracker.test_id("6.1") == "6.1"


def test_outside_a_kernel_there_is_no_cell():
    assert kernel_execution() is None


def test_a_rerun_that_records_nothing_drops_the_cells_earlier_records():
    tracker, front = tracked()
    records: list[Record] = []
    for cell, names in (("c1", ["x", "y"]), ("c2", ["z"])):
        front.run(cell)
        for name in names:
            tracker.file(records, Record(name, tracker.current()))
        tracker.settle(records)
    front.run("c1")  # raises before its first check
    tracker.settle(records)
    assert [r.name for r in records] == ["z"]
    front.run("c2")  # a run that records: settling keeps what it recorded
    tracker.file(records, Record("z2", tracker.current()))
    tracker.settle(records)
    assert [r.name for r in records] == ["z2"]


def test_settling_outside_a_kernel_keeps_everything():
    tracker = CellTracker(lambda: None)
    records = [Record("a", None), Record("b", None)]
    tracker.settle(records)
    assert [r.name for r in records] == ["a", "b"]
