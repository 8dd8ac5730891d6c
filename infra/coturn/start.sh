#!/usr/bin/env bash
# Renders infra/coturn/turnserver.conf.template into $TURN_DIR and runs Debian's coturn in the
# foreground. The shared secret is made once and kept (mode 600) next to the config.
#
#   TURN_DIR        where config, secret, log and pid live       (default ./data/coturn)
#   TURN_PORT       listening port (UDP+TCP)                      (default 3478)
#   TURN_LISTEN_IP  bind address                                  (default: all)
#   TURN_EXTERNAL_IP public address when behind NAT               (default: none)
#   TURN_REALM      realm                                         (default roomcast)
#   TURN_MIN_PORT / TURN_MAX_PORT relay port range                (default 49160-49999)
#   TURN_TLS_CERT / TURN_TLS_KEY  enable TURN over TLS on 5349    (default: off)
#   TURN_ALLOW_PEERS comma-separated ranges to allow despite the deny list (tests only)
#
# With --prepare it only writes the secret and the config, then exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v turnserver >/dev/null || { echo "coturn is not installed (apt-get install coturn)" >&2; exit 3; }

export TURN_DIR="${TURN_DIR:-$here/../../data/coturn}"
mkdir -p "$TURN_DIR"
TURN_DIR="$(cd "$TURN_DIR" && pwd)"
secret_file="$TURN_DIR/secret"
if [ ! -s "$secret_file" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' > "$secret_file")
fi
export TURN_SECRET="$(cat "$secret_file")"
export TURN_PORT="${TURN_PORT:-3478}" TURN_REALM="${TURN_REALM:-roomcast}"
export TURN_MIN_PORT="${TURN_MIN_PORT:-49160}" TURN_MAX_PORT="${TURN_MAX_PORT:-49999}"
export LISTEN_IP_LINE="${TURN_LISTEN_IP:+listening-ip=$TURN_LISTEN_IP}"
export EXTERNAL_IP_LINE="${TURN_EXTERNAL_IP:+external-ip=$TURN_EXTERNAL_IP}"
export ALLOWED_PEER_LINES=""
if [ -n "${TURN_ALLOW_PEERS:-}" ]; then
  ALLOWED_PEER_LINES="$(tr ',' '\n' <<<"$TURN_ALLOW_PEERS" | sed 's/^/allowed-peer-ip=/')"
fi
export TLS_LINES=""
if [ -n "${TURN_TLS_CERT:-}" ] && [ -n "${TURN_TLS_KEY:-}" ]; then
  TLS_LINES="tls-listening-port=5349"$'\n'"cert=$TURN_TLS_CERT"$'\n'"pkey=$TURN_TLS_KEY"
else
  TLS_LINES="no-tls"$'\n'"no-dtls"
fi

conf="$TURN_DIR/turnserver.conf"
(umask 077 && envsubst < "$here/turnserver.conf.template" > "$conf")
[ "${1:-}" = --prepare ] && exit 0
exec turnserver -c "$conf"
