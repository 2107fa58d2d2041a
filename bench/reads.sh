#!/usr/bin/env bash
# Read throughput of GET /api/v1/products through the gateway and straight from the catalog,
# in the same run: req/s, p99 latency, and the gateway/catalog ratio.
#
#   bench/reads.sh                 start a throwaway platform (auto ports), measure, stop it
#   bench/reads.sh STATE_DIR       measure a platform already up (shopstack up --state-dir ...)
#
# Environment: DURATION (default 10s), CONNECTIONS (32), THREADS (2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOPSTACK="${SHOPSTACK:-$ROOT/.venv/bin/shopstack}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"

for tool in wrk jq; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool" >&2; exit 2; }
done

STATE_DIR="${1:-}"
if [[ -z "$STATE_DIR" ]]; then
  STATE_DIR="$(mktemp -d -t shopstack-bench-XXXX)"
  "$SHOPSTACK" up --ports auto --fresh --detach --state-dir "$STATE_DIR" >/dev/null
  trap '"$SHOPSTACK" down --state-dir "$STATE_DIR" >/dev/null 2>&1 || true; rm -rf "$STATE_DIR"' EXIT
fi

PLATFORM="$STATE_DIR/platform.json"
GATEWAY="$(jq -r '.gateway_url' "$PLATFORM")/api/v1/products"
CATALOG="$(jq -r '.services.catalog.url' "$PLATFORM")/products"

# One wrk run; prints "<req/s> <p99 in ms>".
measure() {
  local out rps p99
  curl -sf "$1" >/dev/null  # warm caches and connections
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  if grep -q "Non-2xx" <<<"$out"; then
    echo "bench: non-2xx answers from $1" >&2
  fi
  echo "$rps $(to_ms "$p99")"
}

to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
    printf "%.2f", n }'
}

read -r CAT_RPS CAT_P99 <<<"$(measure "$CATALOG")"
read -r GW_RPS GW_P99 <<<"$(measure "$GATEWAY")"

printf '%-28s %12s %10s\n' "GET products ($CONNECTIONS conns)" "req/s" "p99 ms"
printf '%-28s %12.0f %10s\n' "catalog (direct)" "$CAT_RPS" "$CAT_P99"
printf '%-28s %12.0f %10s\n' "gateway -> catalog" "$GW_RPS" "$GW_P99"
awk -v g="$GW_RPS" -v c="$CAT_RPS" 'BEGIN { printf "gateway/catalog throughput ratio: %.2f\n", g / c }'
awk -v r="$GW_RPS" -v p="$GW_P99" 'BEGIN {
  ok = (r >= 1000 && p < 100)
  printf "target (gateway >= 1000 req/s, p99 < 100 ms): %s\n", ok ? "met" : "NOT met" }'
