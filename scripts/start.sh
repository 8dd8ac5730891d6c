#!/usr/bin/env bash
# Starts Roomcast on its embedded defaults: SQLite under ./data, one SFU worker per core, the
# built web app, and coturn when it is installed. Installs and builds what it needs first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$ROOMCAST_ROOT/scripts/bootstrap.sh" runtime
cd "$ROOMCAST_ROOT"
MEDIASOUP_WORKER_BIN="$(bash apps/sfu/worker-build/build.sh)"
export MEDIASOUP_WORKER_BIN
exec node apps/signaling/dist/main.js
