#!/usr/bin/env bash
# Wall time of the seed-002 notebooks (01..08), two ways, in one run on this machine:
#   A. phasebook run --embedded --jobs 2   (platform start and stop included)
#   B. pytest --nbmake -n 2                (same notebooks; platform start and stop included)
# Prints both and the ratio A/B. Usage: bash bench/suite.sh [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
repeats=${1:-1}
selection=$(ls notebooks/0[1-8]_*.ipynb)
export SHOPSTACK_ADMIN_TOKEN=${SHOPSTACK_ADMIN_TOKEN:-$($BIN/python -c 'import secrets; print(secrets.token_hex(16))')}

now() { $BIN/python -c 'import time; print(time.monotonic())'; }

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
  t0=$(now); run_phasebook; t1=$(now); run_nbmake; t2=$(now)
  $BIN/python - "$t0" "$t1" "$t2" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:])
a, b = t1 - t0, t2 - t1
print(f"phasebook run --jobs 2: {a:6.1f} s   pytest --nbmake -n 2: {b:6.1f} s   ratio {a / b:.2f}x")
PY
done
