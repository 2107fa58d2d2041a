"""Run a command and measure the CPU of its process tree and of the platform's services meanwhile.

    .venv/bin/python bench/cpu_during.py STATE_DIR/platform.json OUT_FILE -- CMD ARGS...

For bench/driver.sh and bench/processes.sh: CMD is a load generator (wrk, or Locust with its
master and ``--processes`` workers). Its output is passed through; its exit code is returned.
Every 0.5 s between ``SKIP_S`` (default 3: Locust's start-up) and ``SKIP_S + WINDOW_S`` (default
6) seconds after the start, the cumulative CPU time (user + system) of every process of CMD's
tree, of every service pid in platform.json and of the whole machine is read with psutil; set
the window inside the load. OUT_FILE gets one line of mean CPU over the window, in % of one
core, e.g.

    loadgen 97 [locust 97] | gateway 88 catalog 61 others 4 | rest of machine 9 | machine 199/200

``loadgen``: CMD's whole tree, then each of its processes, busiest first (``locust`` the master
or single process, ``locust-w`` a worker of ``--processes``); services under 5 % are summed in
``others``; ``rest of machine`` is what neither used (other work on the machine: noise).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

INTERVAL_S = 0.5
SKIP_S = float(os.environ.get("SKIP_S", "3"))
WINDOW_S = float(os.environ.get("WINDOW_S", "6"))


def cpu_seconds(proc: psutil.Process) -> float | None:
    try:
        times = proc.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    return times.user + times.system


def label(proc: psutil.Process) -> str:
    try:
        name = proc.name()
        if not (name.startswith("python") or name == "locust"):
            return name
        parent = proc.parent()
        forked = parent is not None and parent.name() == name  # a --processes worker
    except psutil.Error:
        return "?"
    return "locust-w" if forked else "locust"


def busy_seconds() -> float:
    t = psutil.cpu_times()
    return sum(getattr(t, f, 0.0) for f in ("user", "nice", "system", "irq", "softirq", "steal"))


def main() -> int:
    platform_json, out_file, sep, *command = sys.argv[1:]
    if sep != "--" or not command:
        raise SystemExit(__doc__)
    services = {
        name: psutil.Process(svc["pid"])
        for name, svc in json.loads(Path(platform_json).read_text())["services"].items()
        if svc.get("pid") and psutil.pid_exists(svc["pid"])
    }
    child = subprocess.Popen(command)
    root = psutil.Process(child.pid)
    start = time.monotonic()
    first: dict = {}  # at the window's first sample: t, loadgen {(pid, label): s}, services, busy
    last: dict = {}  # the same at its last sample; a process gone meanwhile keeps its last value
    while child.poll() is None:
        now = time.monotonic() - start
        if now > SKIP_S + WINDOW_S:
            break
        if now >= SKIP_S:
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            sample = {"t": now, "loadgen": {}, "services": {}}
            for proc in tree:
                value = cpu_seconds(proc)
                if value is not None:
                    sample["loadgen"][(proc.pid, label(proc))] = value
            for name, proc in services.items():
                value = cpu_seconds(proc)
                if value is not None:
                    sample["services"][name] = value
            sample["busy"] = busy_seconds()
            if not first:
                first = sample
            last = {
                "t": now,
                "busy": sample["busy"],
                "loadgen": {**last.get("loadgen", {}), **sample["loadgen"]},
                "services": {**last.get("services", {}), **sample["services"]},
            }
        time.sleep(INTERVAL_S)
    code = child.wait()
    if not first or last["t"] - first["t"] < 1:
        Path(out_file).write_text("cpu: run too short to sample\n")
        return code
    la, lb, pa, pb = first["loadgen"], last["loadgen"], first["services"], last["services"]
    ma, mb = first["busy"], last["busy"]
    span = last["t"] - first["t"]

    def pct(before: float | None, after: float) -> float:
        return 100 * (after - (before or 0.0)) / span

    gen = sorted(((pct(la.get(key), v), key[1]) for key, v in lb.items()), reverse=True)
    gen = [(v, n) for v, n in gen if n != "timeout"]
    svc = {name: pct(pa.get(name), v) for name, v in pb.items()}
    big = [n for n in sorted(svc, key=svc.get, reverse=True) if svc[n] >= 5]
    others = sum(v for n, v in svc.items() if n not in big)
    machine = 100 * (mb - ma) / span
    used = sum(v for v, _ in gen) + sum(svc.values())
    parts = [
        f"loadgen {sum(v for v, _ in gen):.0f} [{' '.join(f'{n} {v:.0f}' for v, n in gen)}]",
        " ".join(f"{n} {svc[n]:.0f}" for n in big) + f" others {others:.0f}",
        f"rest of machine {max(0.0, machine - used):.0f}",
        f"machine {machine:.0f}/{100 * psutil.cpu_count()}",
    ]
    Path(out_file).write_text(" | ".join(parts) + f"  (% of one core, {span:.1f} s)\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
