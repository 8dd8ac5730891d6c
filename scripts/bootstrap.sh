#!/usr/bin/env bash
# Installs what Roomcast needs and builds it. Idempotent: a second run only checks.
#   bootstrap.sh [runtime|test]   — "test" adds the browser and media tools the tests use.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
profile="${1:-runtime}"

apt_packages=(ffmpeg coturn gettext-base g++ pkg-config ninja-build meson libuv1-dev libssl-dev libsrtp2-dev
  flatbuffers-compiler libflatbuffers-dev libabsl-dev)
[ "$profile" = test ] && apt_packages+=(chromium sox iproute2)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "not root: please install these Debian packages: ${missing[*]}"
  fi
fi

if [ "$(node_major)" -lt "$ROOMCAST_NODE_MAJOR" ]; then
  log "installing Node $ROOMCAST_NODE_MAJOR from the npm registry into $ROOMCAST_CACHE"
  npm install -g --prefix "$ROOMCAST_CACHE/node$ROOMCAST_NODE_MAJOR" "node@$ROOMCAST_NODE_MAJOR" --loglevel=error
  source "$ROOMCAST_ROOT/scripts/env.sh"
  [ "$(node_major)" -ge "$ROOMCAST_NODE_MAJOR" ] || die "Node $ROOMCAST_NODE_MAJOR install failed"
fi

if [ "$(pnpm --version 2>/dev/null)" != "$ROOMCAST_PNPM_VERSION" ]; then
  log "installing pnpm $ROOMCAST_PNPM_VERSION"
  npm install -g --prefix "$ROOMCAST_CACHE/pnpm" "pnpm@$ROOMCAST_PNPM_VERSION" --loglevel=error
fi

cd "$ROOMCAST_ROOT"
# Quiet when it works; when it fails, run again with pnpm's reasons shown (a silent reporter hides them).
pnpm install --frozen-lockfile --reporter=silent || {
  pnpm install --frozen-lockfile 2>&1 | tail -20 >&2
  die "installing the dependencies failed (see above)"
}
bash apps/sfu/worker-build/build.sh >/dev/null
pnpm run --silent build
log "ready (node $(node --version), pnpm $(pnpm --version))"
