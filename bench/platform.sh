# Sourced by the bench scripts: a platform to measure, and a guard that it is on loopback.
#   use_platform NAME [STATE_DIR]  sets WORK (a temp dir, removed at exit), STATE_DIR, PLATFORM
#                                  and HOST; without STATE_DIR it starts a throwaway platform
#                                  (auto ports, fresh) and stops it at exit.
use_platform() {
  WORK="$(mktemp -d -t "phasebook-$1-XXXX")"
  STATE_DIR="${2:-}"
  if [[ -z "$STATE_DIR" ]]; then
    STATE_DIR="$WORK/platform"
    trap '"$SHOPSTACK" down --state-dir "$STATE_DIR" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
    "$SHOPSTACK" up --ports auto --fresh --detach --state-dir "$STATE_DIR" >/dev/null
  else
    trap 'rm -rf "$WORK"' EXIT
  fi
  PLATFORM="$STATE_DIR/platform.json"
  HOST="$(jq -r '.gateway_url' "$PLATFORM")"
  case "$HOST" in
    http://127.*|http://localhost:*|http://\[::1\]:*) ;;
    *) echo "bench: $HOST is not a loopback address: refusing to load it" >&2; exit 2 ;;
  esac
}
