#!/usr/bin/env bash
# Resolve (and if needed build, offline) a mediasoup-worker binary for apps/sfu.
#
# stdout: ONLY the absolute path of a verified, runnable mediasoup-worker.
# stderr: logs. Exit status non-zero (with a message) on failure.
#
# Resolution order (first usable one wins; see README.md):
#   a. $MEDIASOUP_WORKER_BIN, if set and executable;
#   b. the worker mediasoup's own install placed at <mediasoup>/worker/out/Release/;
#   c. the cached offline build:
#      $ROOMCAST_CACHE/mediasoup-worker/<mediasoup version>-<recipe hash>/mediasoup-worker
#   d. build it offline from the worker sources in the mediasoup npm tarball against
#      Debian's libraries, then install it atomically into the cache path of (c).
#
# Environment:
#   MEDIASOUP_WORKER_BIN         route (a).
#   MEDIASOUP_PKG_DIR            mediasoup package dir (default: resolved from apps/sfu).
#   ROOMCAST_CACHE               cache root (default: ${XDG_CACHE_HOME:-~/.cache}/roomcast).
#   ROOMCAST_WORKER_REBUILD=1    skip (b) and (c) and rebuild into the cache.
#   ROOMCAST_WORKER_KEEP_BUILD=1 keep the scratch build dir after a successful build.
#   ROOMCAST_WORKER_LOCK_TIMEOUT seconds to wait for a concurrent build (default 3600).
#   ROOMCAST_WORKER_SANITIZE=1   the same recipe built with ASan + UBSan (-O1), for soaks and
#                                debugging, in its own cache entry (<key>-sanitize); skips
#                                routes a and b. Run it with ASAN_OPTIONS=detect_leaks=0.
#
# This script never downloads anything.
set -euo pipefail

# Everything goes to stderr except the final path, written to fd 3.
exec 3>&1 1>&2

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SFU_DIR="$(cd "$HERE/.." && pwd)"

log() { printf '[worker-build] %s\n' "$*" >&2; }
die() {
  printf '[worker-build] ERROR: %s\n' "$*" >&2
  exit 1
}
emit() {
  printf '%s\n' "$1" >&3
  exit 0
}

# --- verification ---------------------------------------------------------------------
# A usable worker: a regular executable file whose shared libraries all resolve and
# that actually starts. Started without MEDIASOUP_VERSION, mediasoup-worker refuses to
# run and exits with its own code 41 ("you don't seem to be my real father!"), which
# proves the binary loads, links and runs its static initialisers.
verify_worker() {
  local bin="$1" out rc
  [ -f "$bin" ] && [ -x "$bin" ] || {
    log "  not an executable file: $bin"
    return 1
  }
  if command -v ldd >/dev/null 2>&1; then
    # A static binary ("not a dynamic executable") is fine; the run check below decides.
    out="$(ldd "$bin" 2>&1)" || true
    if grep -q 'not found' <<<"$out"; then
      log "  missing shared libraries for $bin:"
      grep 'not found' <<<"$out" | sed 's/^/    /' >&2
      return 1
    fi
  fi
  rc=0
  out="$(env -u MEDIASOUP_VERSION timeout 10 "$bin" </dev/null 2>&1)" || rc=$?
  if [ "$rc" -ne 41 ]; then
    log "  $bin did not start as a mediasoup-worker (exit $rc, expected 41): ${out:0:300}"
    return 1
  fi
  return 0
}

for tool in sha256sum flock timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (coreutils/util-linux)"
done

# --- locate the mediasoup package --------------------------------------------------------
find_mediasoup_pkg() {
  local dir=""
  if [ -n "${MEDIASOUP_PKG_DIR:-}" ]; then
    dir="$MEDIASOUP_PKG_DIR"
  elif [ -f "$SFU_DIR/node_modules/mediasoup/package.json" ]; then
    dir="$SFU_DIR/node_modules/mediasoup"
  elif command -v node >/dev/null 2>&1; then
    # mediasoup's "exports" hide package.json; resolve the entry point (node/lib/index.js).
    dir="$(cd "$SFU_DIR" && node -p \
      "require('path').resolve(require.resolve('mediasoup'), '..', '..', '..')" 2>/dev/null)" || dir=""
  fi
  [ -n "$dir" ] && [ -f "$dir/package.json" ] ||
    die "mediasoup package not found (run 'pnpm install' in the repo, or set MEDIASOUP_PKG_DIR)"
  (cd "$dir" && pwd -P)
}

MS_PKG="$(find_mediasoup_pkg)"
MS_VERSION="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$MS_PKG/package.json" | head -n 1)"
[ -n "$MS_VERSION" ] || die "cannot read the version from $MS_PKG/package.json"
log "mediasoup $MS_VERSION at $MS_PKG"

SANITIZE="${ROOMCAST_WORKER_SANITIZE:-0}"

# --- route a: explicit override ------------------------------------------------------------
# The sanitizer build is only ever the one this recipe makes: an override is not one.
if [ "$SANITIZE" != 1 ] && [ -n "${MEDIASOUP_WORKER_BIN:-}" ]; then
  if [ -x "$MEDIASOUP_WORKER_BIN" ] && verify_worker "$MEDIASOUP_WORKER_BIN"; then
    log "route a: using \$MEDIASOUP_WORKER_BIN"
    emit "$(cd "$(dirname "$MEDIASOUP_WORKER_BIN")" && pwd -P)/$(basename "$MEDIASOUP_WORKER_BIN")"
  fi
  log "WARNING: \$MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN is not a usable worker; ignoring it"
fi

REBUILD="${ROOMCAST_WORKER_REBUILD:-0}"

# --- route b: worker installed by mediasoup itself (prebuilt download or local build) -----
OFFICIAL_BIN="$MS_PKG/worker/out/Release/mediasoup-worker"
if [ "$REBUILD" != 1 ] && [ "$SANITIZE" != 1 ] && [ -e "$OFFICIAL_BIN" ]; then
  if verify_worker "$OFFICIAL_BIN"; then
    log "route b: using the worker installed by mediasoup's own install"
    emit "$OFFICIAL_BIN"
  fi
  log "WARNING: $OFFICIAL_BIN exists but is not usable; falling back to the offline build"
fi

# --- route c: cached offline build ------------------------------------------------------
# Cache key: mediasoup version + hash of this recipe (every file here except README.md,
# by relative path and content), so any change to the stubs, the compat layer, the patch
# or this script produces a new cache entry.
RECIPE_HASH="$(
  cd "$HERE" &&
    find . -type f ! -path ./README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum |
    sha256sum | cut -c1-12
)"
CACHE_ROOT="${ROOMCAST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roomcast}/mediasoup-worker"
KEY="$MS_VERSION-$RECIPE_HASH"
[ "$SANITIZE" = 1 ] && KEY="$KEY-sanitize"
CACHE_DIR="$CACHE_ROOT/$KEY"
CACHED_BIN="$CACHE_DIR/mediasoup-worker"

if [ "$REBUILD" != 1 ] && [ -e "$CACHED_BIN" ]; then
  if verify_worker "$CACHED_BIN"; then
    log "route c: using the cached offline build ($KEY)"
    emit "$CACHED_BIN"
  fi
  log "WARNING: cached $CACHED_BIN is not usable; rebuilding it"
fi

# --- route d: offline build ---------------------------------------------------------------
mkdir -p "$CACHE_ROOT"
LOCK_FILE="$CACHE_ROOT/.$KEY.lock"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "another build of $KEY is running; waiting for it (lock: $LOCK_FILE)"
  flock -w "${ROOMCAST_WORKER_LOCK_TIMEOUT:-3600}" 9 || die "timed out waiting for $LOCK_FILE"
fi
# A concurrent invocation may have produced the binary since the check above.
if [ "$REBUILD" != 1 ] && [ -e "$CACHED_BIN" ] && verify_worker "$CACHED_BIN"; then
  log "route c: using the offline build just finished by a concurrent invocation ($KEY)"
  emit "$CACHED_BIN"
fi

log "route d: building mediasoup-worker $MS_VERSION offline against system libraries"

# Prerequisites (Debian: g++ pkg-config ninja-build meson libuv1-dev libssl-dev
# libsrtp2-dev flatbuffers-compiler libflatbuffers-dev libabsl-dev, plus patch).
APT_HINT="apt-get install g++ pkg-config ninja-build meson libuv1-dev libssl-dev libsrtp2-dev flatbuffers-compiler libflatbuffers-dev libabsl-dev patch"
for tool in cc c++ pkg-config meson ninja flatc patch sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; install: $APT_HINT"
done
for pc in libuv openssl libsrtp2 flatbuffers absl_strings absl_optional absl_flat_hash_map; do
  pkg-config --exists "$pc" || die "pkg-config cannot find '$pc'; install: $APT_HINT"
done
# The fatal-signal handler (patches/fatal-signal-backtrace.patch) uses GCC's libbacktrace.
printf '#include <backtrace.h>\nint main() { return backtrace_create_state(0, 1, 0, 0) == 0; }\n' |
  c++ -x c++ -o /dev/null - -lbacktrace >/dev/null 2>&1 ||
  die "the C++ compiler cannot build against libbacktrace (<backtrace.h>, -lbacktrace; GCC's libgcc-12-dev has both)"
# SRTP's AES-CM + HMAC-SHA1 come from OpenSSL (subprojects/libsrtp3/srtp_openssl.c): check them
# against this machine's libsrtp2 before spending minutes on the worker (a second, ~2 s).
SRTP_CHECK="$(mktemp -d)"
cc -O2 -I"$HERE/subprojects/libsrtp3" -o "$SRTP_CHECK/srtp_openssl_test" "$HERE/test/srtp_openssl_test.c" \
  "$HERE/subprojects/libsrtp3/srtp_openssl.c" -lsrtp2 -lcrypto >&2 || die "cannot build test/srtp_openssl_test.c"
env -u ROOMCAST_SRTP_CRYPTO "$SRTP_CHECK/srtp_openssl_test" >&2 ||
  die "OpenSSL SRTP types disagree with libsrtp2 (test/srtp_openssl_test.c)"
rm -rf "$SRTP_CHECK"
MESON_VERSION="$(meson --version)"
case "$MESON_VERSION" in
  0.*) die "meson $MESON_VERSION is too old (need >= 1.0)" ;;
esac

WORKER_SRC_ORIG="$MS_PKG/worker"
[ -f "$WORKER_SRC_ORIG/meson.build" ] || die "no worker sources at $WORKER_SRC_ORIG (is this the mediasoup npm tarball?)"

SCRATCH="$CACHE_ROOT/build-$KEY"
SRC="$SCRATCH/worker"
BUILD="$SCRATCH/out"
STAMP="$SRC/.roomcast-prepared"

if [ "$REBUILD" = 1 ]; then
  log "ROOMCAST_WORKER_REBUILD=1: discarding any previous scratch build"
  rm -rf "$SCRATCH"
fi

# Prepare a private, patched copy of the worker sources (node_modules is never touched).
# A copy without the stamp is from an interrupted run and is redone from scratch.
if [ ! -f "$STAMP" ]; then
  log "preparing sources in $SRC"
  rm -rf "$SCRATCH"
  mkdir -p "$SRC"
  cp -R "$WORKER_SRC_ORIG/." "$SRC/"
  rm -rf "$SRC/out" "$SRC/prebuild"
  chmod -R u+w "$SRC"

  # 1. Debian 12's meson is 1.0.1; the worker only asks for >= 1.1.0 and builds fine with 1.0.
  n="$(grep -c "meson_version *: *'[^']*'" "$SRC/meson.build" || true)"
  [ "$n" = 1 ] || die "expected one meson_version requirement in worker/meson.build, found $n"
  sed -i "s/meson_version *: *'[^']*'/meson_version: '>= 1.0.0'/" "$SRC/meson.build"

  # 2. The DTLS fix (see patches/dtls-bio-callback-return-flag.patch).
  for p in "$HERE"/patches/*.patch; do
    log "applying $(basename "$p")"
    patch -d "$SRC" -p1 --forward --batch --no-backup-if-mismatch <"$p" >&2 ||
      die "patch $(basename "$p") does not apply to mediasoup $MS_VERSION worker sources"
  done
  grep -qF 'roomcast_crash::install();' "$SRC/src/main.cpp" ||
    die "fatal-signal handler not present in main.cpp after patching"
  grep -qF '((operationType & BIO_CB_RETURN) != 0)' "$SRC/src/RTC/DtlsTransport.cpp" ||
    die "DTLS BIO callback fix not present in DtlsTransport.cpp after patching"
  if grep -qF '(operationType == BIO_CB_RETURN)' "$SRC/src/RTC/DtlsTransport.cpp"; then
    die "DtlsTransport.cpp still compares operationType == BIO_CB_RETURN after patching"
  fi

  # 3. Stub subprojects: each goes where the wrap file says (`directory = ...`), so meson
  #    uses it instead of downloading (and --wrap-mode=nodownload forbids any download).
  for stub in "$HERE"/subprojects/*/; do
    name="$(basename "$stub")"
    wrap="$SRC/subprojects/$name.wrap"
    [ -f "$wrap" ] || die "mediasoup $MS_VERSION has no subprojects/$name.wrap; the recipe needs updating"
    dir="$(sed -n 's/^[[:space:]]*directory[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$wrap" | head -n 1)"
    [ -n "$dir" ] || die "no 'directory =' in $wrap"
    rm -rf "$SRC/subprojects/$dir"
    cp -R "$stub" "$SRC/subprojects/$dir"
    log "stub subproject $name -> subprojects/$dir"
  done

  touch "$STAMP"
fi

# Configure (again if a previous setup was interrupted) and build. An interrupted
# ninja run simply resumes.
# -g1: line tables and function names only (small, cheap to compile), read by the
# fatal-signal handler's libbacktrace (-lbacktrace: GCC's own copy, from libgcc-12-dev).
if [ "$SANITIZE" = 1 ]; then
  # -O1 and frame pointers, as ASan recommends (no --buildtype: it would override -O1);
  # UBSan reports and carries on.
  BUILD_FLAGS=(-Doptimization=1 -Ddebug=false -Db_ndebug=true -Db_sanitize=address,undefined
    "-Dc_args=-g1 -fno-omit-frame-pointer" "-Dcpp_args=-g1 -fno-omit-frame-pointer" -Dcpp_link_args=-lbacktrace)
else
  BUILD_FLAGS=(--buildtype release -Db_ndebug=true -Dc_args=-g1 -Dcpp_args=-g1 -Dcpp_link_args=-lbacktrace)
fi
if [ ! -f "$BUILD/build.ninja" ] || [ ! -f "$BUILD/meson-private/coredata.dat" ]; then
  rm -rf "$BUILD"
  log "meson $MESON_VERSION setup (${BUILD_FLAGS[*]}, --wrap-mode=nodownload)"
  meson setup "$BUILD" "$SRC" "${BUILD_FLAGS[@]}" \
    --wrap-mode=nodownload >&2 || die "meson setup failed (log: $BUILD/meson-logs/meson-log.txt)"
fi

start=$SECONDS
log "compiling (ninja, $(nproc 2>/dev/null || echo '?') cores; takes several minutes)"
# Generate the flatbuffers headers (fbs/FBS/*.h) first: upstream's deps/libwebrtc target
# includes them without depending on the generator, so on a clean parallel build ninja
# may compile libwebrtc before they exist ("sctpParameters.h: No such file").
mapfile -t FBS_HEADERS < <(ninja -C "$BUILD" -t targets all | sed -n 's#^\(fbs/FBS/[^:]*\.h\): CUSTOM_COMMAND$#\1#p')
[ "${#FBS_HEADERS[@]}" -gt 0 ] || die "no fbs/FBS/*.h generator targets in $BUILD/build.ninja; the recipe needs updating"
ninja -C "$BUILD" "${FBS_HEADERS[@]}" >&2 || die "flatbuffers header generation failed (scratch dir kept: $SCRATCH)"
ninja -C "$BUILD" mediasoup-worker >&2 || die "build failed (scratch dir kept: $SCRATCH)"
log "compiled in $((SECONDS - start))s"

BUILT="$BUILD/mediasoup-worker"
verify_worker "$BUILT" || die "the freshly built worker does not run: $BUILT"

# Install atomically: a reader either sees no binary or a complete, verified one.
mkdir -p "$CACHE_DIR"
TMP_BIN="$CACHE_DIR/.mediasoup-worker.tmp.$$"
trap 'rm -f "$TMP_BIN"' EXIT
cp "$BUILT" "$TMP_BIN"
chmod 0755 "$TMP_BIN"
verify_worker "$TMP_BIN" || die "copied worker does not run: $TMP_BIN"
mv -f "$TMP_BIN" "$CACHED_BIN"
trap - EXIT

if [ "${ROOMCAST_WORKER_KEEP_BUILD:-0}" != 1 ]; then
  rm -rf "$SCRATCH"
fi

log "installed $CACHED_BIN ($(du -h "$CACHED_BIN" | cut -f1))"
emit "$CACHED_BIN"
