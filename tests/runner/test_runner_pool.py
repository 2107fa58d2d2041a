"""The warm kernel pool: a forked kernel is indistinguishable from a fresh one to a notebook.

Real kernels, no platform. The probe notebook reports what a notebook can see of its kernel;
the same probe runs on a kernel papermill starts itself and on the pool's kernels.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import papermill
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from phasebook.runner.discovery import kernel_name
from phasebook.runner.execute import NotebookJob, ProcessRegistry, WorkerPool, execute_notebook
from phasebook.runner.forked_kernel import forkable
from phasebook.runner.kernels import KernelKey, KernelSlot

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("phasebook-pool")]

PROBE = """\
import json, os, sys, random
VOLATILE = ("JPY_PARENT_PID", "PYTEST_CURRENT_TEST")
seen = {
    "user_names": sorted(k for k in globals() if not k.startswith("_")),
    "In": len(In),
    "Out": len(Out),
    "count": get_ipython().execution_count,
    "argv0": os.path.basename(sys.argv[0]),
    "argv_rest": [a for a in sys.argv[1:] if not a.endswith(".json")],
    "path": sys.path,
    "cwd": os.getcwd(),
    "env": {k: v for k, v in os.environ.items() if k not in VOLATILE},
    "main": sys.modules["__main__"].__name__,
    "executable": sys.executable,
    "pandas_max_columns": __import__("pandas").get_option("display.max_columns"),
}
print(json.dumps(seen))"""
PID = "import os, random\nprint(json.dumps({'pid': os.getpid(), 'random': random.random()}))"
PARENT = "print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid()}))"


def _notebook(path: Path, *sources: str, kernelspec: bool = True) -> Path:
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
    nb.cells += [new_code_cell(source) for source in sources]
    if kernelspec:
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def _printed(path: Path, cell: int) -> dict:
    outputs = json.loads(path.read_text(encoding="utf-8"))["cells"][cell]["outputs"]
    return json.loads(
        "".join(
            o["text"] if isinstance(o["text"], str) else "".join(o["text"])
            for o in outputs
            if o.get("name") == "stdout"
        )
    )


def _env() -> dict:
    """The kernels' environment, the same at fixture setup and in the test (a pooled kernel
    serves only a notebook with the environment it was forked with)."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def _counts(path: Path) -> list:
    return [c.get("execution_count") for c in json.loads(path.read_text())["cells"]]


@pytest.fixture
def pool(tmp_path: Path):
    warm = {"kernel_name": "python3", "cwd": str(tmp_path), "env": _env()}
    pool = WorkerPool(1, ProcessRegistry(), warm)
    yield pool
    pool.close()


def _run(pool: WorkerPool, notebook: Path, out: Path, kernel: str | None = "python3"):
    job = NotebookJob(
        name=notebook.stem,
        input_path=notebook,
        output_path=out,
        cwd=notebook.parent,
        env=_env(),
        wall_timeout=120,
        cell_timeout=60,
        kernel_name=kernel,
    )
    return execute_notebook(job, pool)


def test_pooled_kernel_shows_a_notebook_what_a_fresh_kernel_shows(tmp_path: Path, pool) -> None:
    notebook = _notebook(tmp_path / "01_probe.ipynb", PROBE)
    fresh, pooled = tmp_path / "fresh.ipynb", tmp_path / "pooled.ipynb"
    papermill.execute_notebook(
        str(notebook), str(fresh), cwd=str(tmp_path), progress_bar=False, kernel_name="python3"
    )
    # the second kernel of a pool: the zygote has imported pandas & co. by then
    assert _run(pool, notebook, tmp_path / "warm.ipynb").error is None
    assert _run(pool, notebook, pooled).error is None
    assert _printed(pooled, 1) == _printed(fresh, 1)
    assert _printed(pooled, 1)["pandas_max_columns"] == 20
    assert _counts(pooled) == _counts(fresh) == [1, 2]
    names = ["In", "Out", "VOLATILE", "exit", "get_ipython", "json", "open", "os", "quit"]
    assert _printed(pooled, 1)["user_names"] == [*names, "random", "sys", "x"]


def test_each_notebook_gets_its_own_kernel_and_the_last_one_is_shut_down(
    tmp_path: Path, pool
) -> None:
    notebook = _notebook(tmp_path / "01_pid.ipynb", "import json", PID)
    outs = [tmp_path / f"out{i}.ipynb" for i in range(3)]
    for out in outs:
        assert _run(pool, notebook, out).error is None
    seen = [_printed(out, 2) for out in outs]
    assert len({s["pid"] for s in seen}) == 3
    assert len({s["random"] for s in seen}) == 3  # random is reseeded in every kernel
    first = seen[0]["pid"]
    assert not psutil.pid_exists(first) or psutil.Process(first).status() == psutil.STATUS_ZOMBIE


def test_notebook_without_kernelspec_runs_on_the_current_python(tmp_path: Path, pool) -> None:
    notebook = _notebook(tmp_path / "01_plain.ipynb", PROBE, kernelspec=False)
    assert kernel_name(notebook) == "python3"
    out = tmp_path / "out.ipynb"
    execution = _run(pool, notebook, out, kernel=None)  # the worker reads the notebook
    assert execution.error is None
    assert _printed(out, 1)["executable"] == sys.executable


def test_only_this_interpreters_plain_ipykernel_is_forked() -> None:
    assert forkable("python3")
    assert not forkable("no-such-kernel")


def test_a_kernel_that_never_started_is_retried_on_a_launched_kernel():
    from phasebook.runner.worker import _kernel_never_started

    died = {
        "cell_index": None,
        "ename": "RuntimeError",
        "evalue": "Kernel died before replying to kernel_info",
    }
    assert _kernel_never_started({"error": died})
    assert not _kernel_never_started({"error": {**died, "cell_index": 3}})  # a cell ran
    assert not _kernel_never_started({"error": None})


@pytest.fixture
def slot(tmp_path: Path):
    slot = KernelSlot()
    yield slot, KernelKey("python3", str(tmp_path), _env())
    slot.close()


def _answers(km) -> bool:  # noqa: ANN001 - a ForkedKernelManager
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)  # raises "Kernel died before replying to kernel_info"
    finally:
        kc.stop_channels()
    return True


@pytest.mark.timeout(300)
def test_thirty_pooled_kernels_in_a_row_all_start(slot) -> None:
    """Seen under CI load: a pooled kernel died before replying to kernel_info. Thirty
    kernels forked back to back (each asked for the moment the previous one is released, as
    a worker does) must all answer, on their own ports, each from a pooled fork."""
    slot, key = slot
    deadline = time.monotonic() + 240
    seen: list[tuple[int, int]] = []
    slot.prepare(key)
    while len(seen) < 30 and time.monotonic() < deadline:
        km = slot.take(key)
        assert km is not None, "the pool fell back to a launched kernel"
        assert _answers(km)
        seen.append((km.kernel_pid, km.shell_port))
        slot.release(km, key)
    assert len(seen) == 30, f"only {len(seen)} kernels in 240 s"
    assert len(set(seen)) == 30


def test_a_port_taken_before_the_kernel_binds_it_cannot_kill_the_kernel(slot) -> None:
    """The root cause of those deaths: the worker chose the kernel's ports (bind to 0, note,
    close) and the kernel bound them only after the zygote's imports, seconds later; a
    socket another process bound in between killed the kernel (EADDRINUSE). Here "another
    process" takes every port the connection file names before the first fork: the kernel
    must still start, on ports it bound itself."""
    slot, key = slot
    slot.prepare(key)  # the zygote is still importing: nothing is forked yet
    waiting = json.loads(Path(slot._waiting.connection_file).read_text(encoding="utf-8"))
    ports = [
        waiting[name]
        for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")
    ]
    held = []
    for port in (p for p in ports if p):
        sock = socket.socket()
        sock.bind(("127.0.0.1", port))
        sock.listen()
        held.append(sock)
    try:
        km = slot.take(key)
        assert km is not None, "the pool fell back to a launched kernel"
        assert _answers(km)
        assert not {km.shell_port, km.iopub_port, km.control_port} & set(ports)
        slot.release(km, key)
    finally:
        for sock in held:
            sock.close()


@pytest.fixture
def pool_of_two(tmp_path: Path):
    warm = {"kernel_name": "python3", "cwd": str(tmp_path), "env": _env()}
    pool = WorkerPool(2, ProcessRegistry(), warm)
    yield pool
    pool.close()


def test_the_workers_of_a_run_fork_their_kernels_from_one_zygote(tmp_path: Path, pool_of_two):
    """One set of imports per run (2.5 CPU s, most of it jsonschema's rfc3987 grammar), not
    one per worker: both workers' kernels are children of the run's zygote."""
    notebook = _notebook(tmp_path / "01_ppid.ipynb", "import json, os", PARENT)
    outs = [tmp_path / f"out{i}.ipynb" for i in range(2)]
    with ThreadPoolExecutor(2) as threads:
        runs = list(threads.map(lambda out: _run(pool_of_two, notebook, out), outs))
    assert [run.error for run in runs] == [None, None]
    seen = [_printed(out, 2) for out in outs]
    assert seen[0]["pid"] != seen[1]["pid"]
    assert seen[0]["ppid"] == seen[1]["ppid"] == pool_of_two._zygote.proc.pid


def test_a_timed_out_notebook_is_written_as_far_as_it_got_and_its_kernel_killed(
    tmp_path: Path, pool_of_two
) -> None:
    warm = _notebook(tmp_path / "01_warm.ipynb", "import json, os")
    assert _run(pool_of_two, warm, tmp_path / "warm.ipynb").error is None  # kernels are up
    slow = _notebook(tmp_path / "02_slow.ipynb", "import json, os", PARENT, "import time")
    slow_nb = json.loads(slow.read_text(encoding="utf-8"))
    slow_nb["cells"].append(new_code_cell("time.sleep(120)"))
    slow.write_text(json.dumps(slow_nb), encoding="utf-8")
    out = tmp_path / "slow.ipynb"
    job = NotebookJob(
        name="02_slow",
        input_path=slow,
        output_path=out,
        cwd=tmp_path,
        env=_env(),
        wall_timeout=10,
        kernel_name="python3",
    )
    execution = execute_notebook(job, pool_of_two)
    assert execution.timed_out
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    assert cells[-1]["metadata"]["papermill"]["status"] == "running"  # written at SIGTERM
    kernel = _printed(out, 2)["pid"]
    deadline = time.monotonic() + 10
    while psutil.pid_exists(kernel) and time.monotonic() < deadline:
        if psutil.Process(kernel).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.1)
    alive = psutil.pid_exists(kernel) and psutil.Process(kernel).status() != psutil.STATUS_ZOMBIE
    assert not alive, "the timed-out notebook's kernel outlived its worker"


def test_notebooks_still_run_when_the_runs_zygote_is_gone(tmp_path: Path, pool_of_two) -> None:
    notebook = _notebook(tmp_path / "01_pid.ipynb", "import json", PID)
    assert _run(pool_of_two, notebook, tmp_path / "first.ipynb").error is None
    pool_of_two._zygote.proc.kill()
    pool_of_two._zygote.proc.wait()
    time.sleep(2)  # its forked, waiting kernels notice their parent is gone and exit
    started = time.monotonic()
    assert _run(pool_of_two, notebook, tmp_path / "second.ipynb").error is None
    assert time.monotonic() - started < 60  # a fallback, not a 30 s wait for the socket
