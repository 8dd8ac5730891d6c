#!/usr/bin/env bash
# Renders infra/coturn/turnserver.conf.template into $TURN_DIR and runs Debian's coturn in the
# foreground. The shared secret is made once and kept (mode 600) next to the config.
#
#   TURN_DIR         where config, secrets, log and pid live          (default ./data/coturn)
#   TURN_PORT        listening port (UDP+TCP)                          (default 3478)
#   TURN_LISTEN_IP   bind address(es), comma-separated                 (default: all)
#   TURN_RELAY_IP    address(es) relays are opened on, comma-separated (default: the listening ones)
#   TURN_EXTERNAL_IP public address when behind NAT (`PUBLIC` or `PUBLIC/PRIVATE`) (default: none)
#   TURN_REALM       realm                                             (default roomcast)
#   TURN_MIN_PORT / TURN_MAX_PORT relay port range                     (default 49160-49999)
#   TURN_TLS_CERT / TURN_TLS_KEY  enable TURN over TLS                 (default: off)
#   TURN_TLS_PORT    TLS port                                          (default 5349)
#   TURN_TLS_ALT_PORT a second TLS port, e.g. 443 for strict firewalls (default: none)
#   TURN_SECRET      the shared secret; default: made once in $TURN_DIR/secret
#   TURN_ALLOW_PEERS comma-separated ranges to allow despite the deny list (TESTS ONLY;
#                    loopback and link-local/metadata ranges are refused)
#
# --prepare   only write the secret(s) and the config, then exit.
# --rotate    keep the current secret as $TURN_DIR/secret.previous (still accepted by coturn),
#             make a new one, write the config and exit. Restart coturn and signaling (with
#             TURN_SECRET_PREVIOUS_FILE) afterwards; drop secret.previous after one TTL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-run}"
[ "$mode" = run ] && { command -v turnserver >/dev/null || { echo "coturn is not installed (apt-get install coturn)" >&2; exit 3; }; }

export TURN_DIR="${TURN_DIR:-$here/../../data/coturn}"
mkdir -p "$TURN_DIR"
TURN_DIR="$(cd "$TURN_DIR" && pwd)"
secret_file="$TURN_DIR/secret" previous_file="$TURN_DIR/secret.previous"
new_secret() { (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' > "$1"); }
if [ "$mode" = --rotate ] && [ -s "$secret_file" ]; then
  mv "$secret_file" "$previous_file"
fi
[ -s "$secret_file" ] || new_secret "$secret_file"
export TURN_SECRET="${TURN_SECRET:-$(cat "$secret_file")}"
export PREVIOUS_SECRET_LINE=""
if [ -n "${TURN_SECRET_PREVIOUS:-}" ]; then
  PREVIOUS_SECRET_LINE="static-auth-secret=$TURN_SECRET_PREVIOUS"
elif [ -s "$previous_file" ]; then
  PREVIOUS_SECRET_LINE="static-auth-secret=$(cat "$previous_file")"
fi

export TURN_PORT="${TURN_PORT:-3478}" TURN_REALM="${TURN_REALM:-roomcast}"
export TURN_MIN_PORT="${TURN_MIN_PORT:-49160}" TURN_MAX_PORT="${TURN_MAX_PORT:-49999}"
lines() { [ -n "$2" ] && tr ',' '\n' <<<"$2" | sed "s/^/$1=/" || true; }
export LISTEN_IP_LINE="$(lines listening-ip "${TURN_LISTEN_IP:-}")"
export RELAY_IP_LINE="$(lines relay-ip "${TURN_RELAY_IP:-}")"
export EXTERNAL_IP_LINE="$(lines external-ip "${TURN_EXTERNAL_IP:-}")"

# Production never relays to loopback or cloud metadata; not even a test may open that hole.
if grep -Eq '(^|,)[[:space:]]*(127\.|169\.254\.|::1|::ffff:|0\.0\.0\.0)' <<<"${TURN_ALLOW_PEERS:-}"; then
  echo "TURN_ALLOW_PEERS must not include loopback, link-local/metadata or IPv4-mapped ranges" >&2
  exit 2
fi
export ALLOWED_PEER_LINES="$(lines allowed-peer-ip "${TURN_ALLOW_PEERS:-}")"

export TLS_LINES=""
if [ -n "${TURN_TLS_CERT:-}" ] && [ -n "${TURN_TLS_KEY:-}" ]; then
  TLS_LINES="tls-listening-port=${TURN_TLS_PORT:-5349}"$'\n'"cert=$TURN_TLS_CERT"$'\n'"pkey=$TURN_TLS_KEY"
  [ -n "${TURN_TLS_ALT_PORT:-}" ] && TLS_LINES+=$'\n'"alt-tls-listening-port=$TURN_TLS_ALT_PORT"
  TLS_LINES+=$'\n'"no-dtls"
else
  TLS_LINES="no-tls"$'\n'"no-dtls"
fi

conf="$TURN_DIR/turnserver.conf"
(umask 077 && envsubst < "$here/turnserver.conf.template" > "$conf")
case "$mode" in
  --prepare | --rotate) exit 0 ;;
esac
exec turnserver -c "$conf"
