#!/usr/bin/env bash
# Checkout-heavy load with 1 Locust process and with 4 (--processes 4: a master and 4 workers)
# against ONE platform: the repo's locustfile's Buyer users only (seed 000's checkout mix: 80 %
# happy path, 15 % insufficient stock, 5 % payment declined; each purchase = add to cart +
# checkout, by a fresh user id). Each run gets its own three products (created through the admin
# API, as phasebook.load.LoadData does) and its own user range. Prints checkouts/s (the three
# checkout scenarios), completed orders/s (happy path), p50/p95 of the happy-path checkout,
# failures, the ratio 4/1, and the CPU (% of one core) of the Locust processes and of the
# platform's services during each run: where the bottleneck is.
#
#   bench/processes.sh              start a throwaway platform (auto ports), measure, stop it
#   bench/processes.sh STATE_DIR    measure a platform already up (shopstack up --state-dir ...;
#                                   export its SHOPSTACK_ADMIN_TOKEN: products are created)
#
# Environment: USERS (default 40), DURATION (20s), WAIT_S (think time, the locustfile's default
# "0.5,1.5"), PROCESSES (the second run's count, 4). ~60 s in all.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHOPSTACK="${SHOPSTACK:-$ROOT/.venv/bin/shopstack}"
PY="${PY:-$ROOT/.venv/bin/python}"
LOCUSTFILE="$ROOT/lib/phasebook/load/locustfile.py"
USERS="${USERS:-40}"
DURATION="${DURATION:-20s}"
WAIT_S="${WAIT_S:-0.5,1.5}"
PROCESSES="${PROCESSES:-4}"
export SHOPSTACK_ADMIN_TOKEN="${SHOPSTACK_ADMIN_TOKEN:-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')}"

command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 2; }

source "$ROOT/bench/platform.sh"
use_platform processes "${1:-}"
SECONDS_="${DURATION%s}"
export SKIP_S=4 WINDOW_S=$((SECONDS_ > 10 ? SECONDS_ - 6 : 4))  # CPU sampled inside the load

# An unlisted product with STOCK units; prints its id.
product() {
  curl -sf -X POST "$HOST/api/v1/admin/products" -H "Authorization: Bearer $SHOPSTACK_ADMIN_TOKEN" \
    -H 'content-type: application/json' \
    -d "{\"name\":\"bench-$1-$RANDOM$RANDOM\",\"price\":19.99,\"stock\":$2,\"listed\":false}" \
    | jq -er .id || { echo "bench: cannot create a product (SHOPSTACK_ADMIN_TOKEN of the platform?)" >&2; exit 1; }
}

# One Locust run of Buyer users with N processes, fresh products and users; prints
# "<checkouts/s> <orders/s> <p50> <p95> <requests> <failures> <error %>".
run_locust() {
  local n="$1" prefix="$WORK/buyers-p$1" extra=() happy declined scarce
  [[ "$n" -gt 1 ]] && extra=(--processes "$n")
  happy="$(product happy 1000000)" && declined="$(product declined 1000000)" \
    && scarce="$(product scarce 5)" || exit 1
  PHASEBOOK_LOAD_SCENARIO=mixed PHASEBOOK_LOAD_WAIT_S="$WAIT_S" \
  PHASEBOOK_LOAD_HAPPY_PRODUCT="$happy" PHASEBOOK_LOAD_DECLINED_PRODUCT="$declined" \
  PHASEBOOK_LOAD_SCARCE_PRODUCT="$scarce" PHASEBOOK_LOAD_SCARCE_QUANTITY=10 \
  PHASEBOOK_LOAD_READ_PRODUCTS="$happy,$declined,$scarce" \
  PHASEBOOK_LOAD_FIRST_USER=$((100000000 + (RANDOM * 32768 + RANDOM) % 50 * 16000000)) \
  PHASEBOOK_LOAD_USER_SPAN=16000000 \
    "$PY" "$ROOT/bench/cpu_during.py" "$PLATFORM" "$WORK/cpu.p$n" -- \
    timeout $((SECONDS_ + 60)) "$PY" -m locust -f "$LOCUSTFILE" Buyer --headless \
    --host "$HOST" -u "$USERS" -r "$USERS" -t "$DURATION" "${extra[@]}" \
    --csv "$prefix" --only-summary --loglevel WARNING --exit-code-on-error 0 \
    >"$prefix.log" 2>&1 || { echo "bench: locust failed, see:" >&2; tail -5 "$prefix.log" >&2; exit 1; }
  "$PY" - "$prefix" "$USERS" "$WAIT_S" <<'PY'
import sys
import pandas as pd
from phasebook.load import endpoints as names
from phasebook.load.stats import endpoint, read_failures, read_stats
prefix, users, wait = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
stats = read_stats(prefix)
checkouts = stats[stats["name"].isin(names.CHECKOUTS)]
happy, total = endpoint(stats, names.CHECKOUT_HAPPY), endpoint(stats)
# Closed loop: each user thinks, adds to the cart, checks out. Its bound on checkouts/s is
# users / (mean think + mean add + mean checkout): the rate if Locust and the platform keep up.
raw = pd.read_csv(f"{prefix}_stats.csv").set_index("Name")
mean = lambda rows: (raw.loc[rows, "Average Response Time"] * raw.loc[rows, "Request Count"]).sum() / max(1, raw.loc[rows, "Request Count"].sum())
cycle = (float(wait[0]) + float(wait[1])) / 2 + (mean([names.CART_ITEMS]) + mean(list(checkouts["name"]))) / 1000
print(f"{checkouts['rps'].sum():.1f} {happy['rps']:.1f} {happy['p50']:.0f} {happy['p95']:.0f} "
      f"{total['requests']} {total['failures']} {total['error_%']:.2f} {users / cycle:.1f} {1000 * (cycle - (float(wait[0]) + float(wait[1])) / 2):.0f}")
for row in read_failures(prefix).head(3).itertuples():
    print(f"failure: {row.occurrences} x {row.method} {row.name}: {str(row.error)[:150]}", file=sys.stderr)
PY
}

ONE="$(run_locust 1)" && MANY="$(run_locust "$PROCESSES")" || exit 1
read -r C1 O1 P50_1 P95_1 R1 F1 E1 B1 T1 <<<"$ONE"
read -r CN ON P50_N P95_N RN FN EN BN TN <<<"$MANY"

echo "Buyer users (checkout mix 80/15/5), $USERS users, think time $WAIT_S s, $DURATION, one platform"
FMT='%-16s %11s %9s %9s %9s %9s %-12s %12s\n'
printf "$FMT" "locust" "checkouts/s" "orders/s" "happy p50" "happy p95" "requests" "failures" "loop bound/s"
printf "$FMT" "1 process" "$C1" "$O1" "$P50_1" "$P95_1" "$R1" "$F1 ($E1 %)" "$B1"
printf "$FMT" "--processes $PROCESSES" "$CN" "$ON" "$P50_N" "$P95_N" "$RN" "$FN ($EN %)" "$BN"
echo "(p50/p95 in ms; loop bound = users / (mean think time + mean add-to-cart + mean checkout):"
echo " add + checkout took $T1 ms / $TN ms per purchase; checkouts/s near the bound = the think time"
echo " sets the rate, not Locust; well below it = the generator lags)"
awk -v a="$C1" -v b="$CN" -v n="$PROCESSES" 'BEGIN {
  r = b / a; printf "checkouts/s ratio %d/1: %.2f (%s)\n", n, r, (r > 1.05 ? "faster" : "not faster") }'
echo "CPU during each run, % of one core ($(nproc) cores shared by Locust, the platform and whatever"
echo "else runs here, 'rest of machine'): Locust or the platform, which is saturated?"
printf '  %-20s %s\n' "1 process" "$(cat "$WORK/cpu.p1")"
printf '  %-20s %s\n' "--processes $PROCESSES" "$(cat "$WORK/cpu.p$PROCESSES")"
