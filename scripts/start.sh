#!/usr/bin/env bash
# Starts Roomcast on its embedded defaults: SQLite under ./data, one SFU worker per core, the
# built web app, and coturn when it is installed. Installs and builds what it needs first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
prepare runtime
export DATA_DIR="${DATA_DIR:-$ROOMCAST_ROOT/data}"

turn_pid=""
if [ "${TURN:-on}" != off ] && command -v turnserver >/dev/null; then
  export TURN_DIR="${TURN_DIR:-$DATA_DIR/coturn}" TURN_PORT="${TURN_PORT:-3478}"
  bash infra/coturn/start.sh --prepare
  turnserver -c "$TURN_DIR/turnserver.conf" >/dev/null 2>&1 &
  turn_pid=$!
  turn_host="${TURN_PUBLIC_HOST:-${SFU_ANNOUNCED_ADDRESS:-$(hostname -I 2>/dev/null | awk '{print $1}')}}"
  turn_host="${turn_host:-127.0.0.1}"
  export TURN_URLS="${TURN_URLS:-turn:$turn_host:$TURN_PORT?transport=udp,turn:$turn_host:$TURN_PORT?transport=tcp}"
  export TURN_SECRET_FILE="$TURN_DIR/secret"
  # After `infra/coturn/start.sh --rotate`, the old secret stays valid until it is removed.
  [ -s "$TURN_DIR/secret.previous" ] && export TURN_SECRET_PREVIOUS_FILE="$TURN_DIR/secret.previous"
  log "coturn started on port $TURN_PORT (log: $TURN_DIR/turnserver.log)"
else
  log "coturn is not installed (or TURN=off): clients get no TURN relay"
fi
stop_turn() { if [ -n "$turn_pid" ]; then kill "$turn_pid" 2>/dev/null || true; fi; }
trap stop_turn EXIT

node apps/signaling/dist/main.js &
node_pid=$!
# SIGTERM is passed on for a graceful drain; Ctrl-C already reaches node through the terminal.
trap 'kill -TERM "$node_pid" 2>/dev/null || true' TERM
trap ':' INT
set +e
while :; do
  wait "$node_pid"
  status=$?
  kill -0 "$node_pid" 2>/dev/null || break
done
exit "$status"
