#!/usr/bin/env bash
# The phasebook load path against wrk: GET /api/v1/products through the gateway of ONE platform,
# (a) with wrk, (b) with Locust headless running the repo's locustfile's ProductReader (the
# read-capacity step's user, no pause), same connections/users and duration. Prints req/s and
# p50 of each, the throughput ratio Locust/wrk (target >= 0.85) and the p50 difference (target
# within 20 %), and the CPU (% of one core) of the load generator and of the platform's services
# during each run. When one Locust process misses the throughput target it runs again with
# --processes 2, so the table shows whether the Locust process was the bottleneck.
#
#   bench/driver.sh                 start a throwaway platform (auto ports), measure, stop it
#   bench/driver.sh STATE_DIR       measure a platform already up (shopstack up --state-dir ...)
#
# Environment: DURATION (default 10s), CONNECTIONS (32, also Locust's users), THREADS (2),
# P2=always (run --processes 2 even when one process meets the target). 25-40 s in all.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOPSTACK="${SHOPSTACK:-$ROOT/.venv/bin/shopstack}"
PY="${PY:-$ROOT/.venv/bin/python}"
LOCUSTFILE="$ROOT/lib/phasebook/load/locustfile.py"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
export SHOPSTACK_ADMIN_TOKEN="${SHOPSTACK_ADMIN_TOKEN:-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')}"

for tool in wrk jq; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 2; }
done

source "$ROOT/bench/platform.sh"
use_platform driver "${1:-}"
URL="$HOST/api/v1/products"
SECONDS_="${DURATION%s}"
export SKIP_S=3 WINDOW_S=$((SECONDS_ > 8 ? SECONDS_ - 4 : 4))  # CPU sampled inside the load

to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
    printf "%.2f", n }'
}

# wrk under the CPU sampler; prints "<req/s> <p50 ms>", CPU line in $WORK/cpu.wrk.
run_wrk() {
  local out rps p50
  out="$("$PY" "$ROOT/bench/cpu_during.py" "$PLATFORM" "$WORK/cpu.wrk" -- \
    timeout $((SECONDS_ + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$URL")"
  grep -q "Non-2xx\|Socket errors" <<<"$out" && echo "bench: wrk: $(grep "Non-2xx\|Socket errors" <<<"$out")" >&2
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  echo "$rps $(to_ms "$p50")"
}

# Locust headless (N processes) under the CPU sampler; prints "<req/s> <p50 ms> <failures>"
# from the Aggregated row of its _stats.csv (phasebook.load.stats.read_stats).
run_locust() {
  local n="$1" prefix="$WORK/locust-p$1" extra=()
  [[ "$n" -gt 1 ]] && extra=(--processes "$n")
  PHASEBOOK_LOAD_SCENARIO=reads "$PY" "$ROOT/bench/cpu_during.py" "$PLATFORM" "$WORK/cpu.p$n" -- \
    timeout $((SECONDS_ + 60)) "$PY" -m locust -f "$LOCUSTFILE" ProductReader --headless \
    --host "$HOST" -u "$CONNECTIONS" -r 100 -t "$DURATION" "${extra[@]}" \
    --csv "$prefix" --only-summary --loglevel WARNING --exit-code-on-error 0 \
    >"$prefix.log" 2>&1 || { echo "bench: locust failed, see:" >&2; tail -5 "$prefix.log" >&2; exit 1; }
  "$PY" - "$prefix" <<'PY'
import sys
from phasebook.load.stats import endpoint, read_stats
row = endpoint(read_stats(sys.argv[1]))
print(f"{row['rps']:.1f} {row['p50']:.2f} {row['failures']}")
PY
}

curl -sf "$URL" >/dev/null  # warm caches and connections

WRK="$(run_wrk)" && L1="$(run_locust 1)" || exit 1
read -r WRK_RPS WRK_P50 <<<"$WRK"
read -r L1_RPS L1_P50 L1_FAIL <<<"$L1"
ROWS=("locust ProductReader x1 proc|$L1_RPS|$L1_P50|$L1_FAIL|p1")
BEST_RPS="$L1_RPS"
if [[ "${P2:-auto}" == always ]] || awk -v l="$L1_RPS" -v w="$WRK_RPS" 'BEGIN { exit !(l < 0.85 * w) }'; then
  L2="$(run_locust 2)" || exit 1
  read -r L2_RPS L2_P50 L2_FAIL <<<"$L2"
  ROWS+=("locust --processes 2|$L2_RPS|$L2_P50|$L2_FAIL|p2")
fi

echo "GET /api/v1/products via gateway, $CONNECTIONS connections/users, $DURATION, one platform"
printf '%-28s %10s %8s %8s %8s %12s\n' "driver" "req/s" "p50 ms" "fails" "ratio" "p50 diff"
printf '%-28s %10.0f %8s %8s %8s %12s\n' "wrk -t$THREADS -c$CONNECTIONS" "$WRK_RPS" "$WRK_P50" "-" "1.00" "-"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name rps p50 fails _ <<<"$row"
  awk -v n="$name" -v r="$rps" -v p="$p50" -v f="$fails" -v wr="$WRK_RPS" -v wp="$WRK_P50" 'BEGIN {
    ratio = r / wr; diff = 100 * (p - wp) / wp
    printf "%-28s %10.0f %8.2f %8d %8.2f %+11.0f%%\n", n, r, p, f, ratio, diff }'
done
echo "targets: Locust/wrk throughput >= 0.85, |p50 diff| <= 20 %"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name rps p50 _ _ <<<"$row"
  awk -v n="$name" -v r="$rps" -v p="$p50" -v wr="$WRK_RPS" -v wp="$WRK_P50" 'BEGIN {
    ratio = r / wr; diff = 100 * (p - wp) / wp; if (diff < 0) diff = -diff
    printf "  %-26s throughput %s (%.2f), p50 %s (%.0f %%)\n", n,
      (ratio >= 0.85 ? "met" : "NOT met"), ratio, (diff <= 20 ? "met" : "NOT met"), diff }'
done
echo "CPU during each run, % of one core ($(nproc) cores shared by the load generator, the platform"
echo "and whatever else runs here, 'rest of machine'): Locust or the platform, which is saturated?"
printf '  %-26s %s\n' "wrk" "$(cat "$WORK/cpu.wrk")"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name _ _ _ tag <<<"$row"
  printf '  %-26s %s\n' "$name" "$(cat "$WORK/cpu.$tag")"
done
