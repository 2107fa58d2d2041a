#!/usr/bin/env bash
# Wall time of the seed-002 notebooks (01..08), two ways, in one run on this machine:
#   A. phasebook run --embedded --jobs 2   (platform start and stop included)
#   B. pytest --nbmake -n 2                (same notebooks; platform start and stop included)
# Prints both and the ratio A/B, in wall time and in CPU seconds of the processes each
# command waited for (the platform's own processes are detached, so not counted).
# Usage: bash bench/suite.sh [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
repeats=${1:-1}
selection=$(ls notebooks/0[1-8]_*.ipynb)
export SHOPSTACK_ADMIN_TOKEN=${SHOPSTACK_ADMIN_TOKEN:-$($BIN/python -c 'import secrets; print(secrets.token_hex(16))')}

now() { $BIN/python -c 'import time; print(time.monotonic())'; }
# cpu_mark VAR: VAR = CPU seconds (user + system) of every child this shell has waited for.
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
cpu_mark() {
  times >"$TIMES"  # in this shell, not a $(...) subshell: a subshell has no children yet
  printf -v "$1" '%s' "$(tail -1 "$TIMES" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/);
    print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')"
}

run_phasebook() {
  local out; out=$(mktemp -d)
  $BIN/phasebook run --embedded --jobs 2 -k '0[1-8]_*' --out "$out" >/dev/null 2>&1 \
    || echo "bench: phasebook run failed (exit $?)" >&2
  rm -rf "$out"
}

run_nbmake() {
  local state; state=$(mktemp -d)
  $BIN/shopstack up --ports auto --fresh --detach --state-dir "$state" >/dev/null
  SHOPSTACK_STATE_DIR=$state PHASEBOOK_PARAMS=params/local.yaml \
    $BIN/pytest -q -p no:cacheprovider -o addopts= --nbmake -n 2 $selection >/dev/null 2>&1 \
    || echo "bench: nbmake run failed (exit $?)" >&2
  $BIN/shopstack down --state-dir "$state" >/dev/null
  rm -rf "$state"
}

for i in $(seq "$repeats"); do
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  cpu_mark c0; t0=$(now); run_phasebook; t1=$(now); cpu_mark c1
  run_nbmake; t2=$(now); cpu_mark c2
  $BIN/python - "$t0" "$t1" "$t2" "$c0" "$c1" "$c2" <<'PY'
import sys
t0, t1, t2, c0, c1, c2 = map(float, sys.argv[1:])
a, b = t1 - t0, t2 - t1
print(f"phasebook run --jobs 2: {a:6.1f} s   pytest --nbmake -n 2: {b:6.1f} s   ratio {a / b:.2f}x")
ca, cb = c1 - c0, c2 - c1
print(f"  CPU s (runner, workers, kernels; not the platform): {ca:6.1f} vs {cb:6.1f}"
      f"   ratio {ca / cb:.2f}x")
PY
done
