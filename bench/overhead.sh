#!/usr/bin/env bash
# Fixed cost of a notebook, all against one platform in one run on this machine:
#   phasebook run --jobs 2, pytest --nbmake -n 2 and a plain Python script, each on 8 and on
#   16 generated one-request notebooks (parameters cell, phasebook.session(...), one
#   GET /api/v1/products, one check, s.finish()).
# Prints wall times, the per-notebook fixed cost (T16 - T8) / 8, the time from command start
# to the first notebook finished, and the same fixed cost in CPU seconds of every process
# the command ran (the wall figure on an otherwise idle 2-core machine is about CPU / 2; the
# CPU figure holds when other work shares the machine). Usage: bash bench/overhead.sh [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
SHOPSTACK=$BIN/shopstack
repeats=${1:-1}
source bench/platform.sh
use_platform overhead  # a throwaway platform, stopped at exit
export SHOPSTACK_STATE_DIR="$STATE_DIR" PHASEBOOK_PARAMS="$PWD/params/local.yaml"
unset PHASEBOOK_BASE_URL

$BIN/python - "$WORK" <<'PY'
"""Write WORK/n8 and WORK/n16: NN_one.ipynb notebooks as a user writes them (nbformat)."""
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

for count in (8, 16):
    folder = Path(sys.argv[1], f"n{count}")
    folder.mkdir()
    for i in range(1, count + 1):
        name = f"{i:02d}_one"
        params = new_code_cell("user_id = None", metadata={"tags": ["parameters"]})
        cells = [
            params,
            new_code_cell(f'import phasebook\n\ns = phasebook.session("{name}", user_id=user_id)'),
            new_code_cell('s.test("1", "list products")\nr = s.api.get("/api/v1/products")'),
            new_code_cell("s.checks.status(r, 200)"),
            new_code_cell("s.finish()"),
        ]
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")
PY

cat > "$WORK/plain.py" <<'PY'
"""The same requests as the notebooks, from one plain Python process."""
import sys

import phasebook

for i in range(int(sys.argv[1])):
    s = phasebook.session(f"{i + 1:02d}_one")
    s.test("1", "list products")
    s.checks.status(s.api.get("/api/v1/products"), 200)
    s.finish()
    print("finished", i + 1, flush=True)
PY

cat > "$WORK/timed.py" <<'PY'
"""timed.py PATTERN CMD...: run CMD; print 'wall first cpu' (s): wall time, time to the
first output line matching PATTERN (a finished notebook), and CPU seconds (user + system)
of CMD and every process it waited for (workers, kernels). Exit status of CMD is kept."""
import re
import resource
import subprocess
import sys
import time

def cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime

pattern, cmd = re.compile(sys.argv[1]), sys.argv[2:]
start, first, cpu0 = time.monotonic(), None, cpu()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
tail = []
for line in proc.stdout:
    tail = [*tail[-30:], line.rstrip()]
    if first is None and pattern.search(line):
        first = time.monotonic() - start
code = proc.wait()
total = time.monotonic() - start
if code != 0:
    print("\n".join(tail), file=sys.stderr)
    print(f"bench: {' '.join(cmd[:3])} ... exited {code}", file=sys.stderr)
print(f"{total:.2f} {first if first is not None else float('nan'):.2f} {cpu() - cpu0:.2f}")
PY

timed() { $BIN/python "$WORK/timed.py" "$@"; }
run_phasebook() {
  timed '^\s+✓' $BIN/phasebook run --jobs 2 --params params/local.yaml \
    --notebooks "$WORK/n$1" --out "$WORK/out$1"
}
run_nbmake() {
  timed 'PASSED' $BIN/pytest -v -p no:cacheprovider -o addopts= --rootdir "$WORK" \
    --nbmake -n 2 "$WORK/n$1"
}
run_plain() { timed '^finished' $BIN/python "$WORK/plain.py" "$1"; }

$BIN/python -c "import phasebook" # warm the file cache before the first measurement
for i in $(seq "$repeats"); do
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  read -r pb8 pb8_first pb8_cpu < <(run_phasebook 8)
  read -r pb16 pb16_first pb16_cpu < <(run_phasebook 16)
  read -r nm8 nm8_first nm8_cpu < <(run_nbmake 8)
  read -r nm16 nm16_first nm16_cpu < <(run_nbmake 16)
  read -r py8 _ py8_cpu < <(run_plain 8)
  read -r py16 _ py16_cpu < <(run_plain 16)
  $BIN/python - "$pb8" "$pb16" "$pb8_first" "$pb16_first" "$pb8_cpu" "$pb16_cpu" \
    "$nm8" "$nm16" "$nm8_first" "$nm16_first" "$nm8_cpu" "$nm16_cpu" \
    "$py8" "$py16" nan nan "$py8_cpu" "$py16_cpu" <<'PY'
import sys
values = list(map(float, sys.argv[1:]))
print("                           wall: T8, T16, (T16-T8)/8, first notebook finished (T8 / T16)")
print("                           CPU (all processes of the command): C8, C16, (C16-C8)/8")
for name, row in zip(("phasebook run --jobs 2", "pytest --nbmake -n 2", "plain python"),
                     (values[0:6], values[6:12], values[12:18])):
    t8, t16, f8, f16, c8, c16 = row
    first = f"{f8:5.2f} / {f16:5.2f} s" if f8 == f8 else "      -"
    print(f"{name:<26} wall {t8:6.2f} {t16:6.2f}  fixed {(t16 - t8) / 8:5.2f} s  first {first}")
    print(f"{'':<26} CPU  {c8:6.2f} {c16:6.2f}  fixed {(c16 - c8) / 8:5.2f} s"
          f"  (/2 cores: {(c16 - c8) / 16:4.2f} s)")
PY
done
