#!/usr/bin/env bash
# Runs every Roomcast test: unit, integration (real mediasoup worker, SQLite, PostgreSQL),
# and end-to-end (headless Chromium against the real server). Installs what it needs first.
# Ends with "N passed, N failed" so a run that executed nothing is visible.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
prepare test
# Vitest strips types without checking them: the whole workspace is type-checked first.
pnpm run --silent typecheck
results="$(mktemp -d)"
status=0
# Unit and integration tests first, two files at a time (vitest's default is one fewer than
# the cores: one, here); then the browser tests alone: two cores cannot share real-time audio
# with a parallel test run without making timing flaky.
for project in unit+integration e2e; do
  workers=1
  [ "$project" = unit+integration ] && workers=2
  pnpm exec vitest run --project "$project" --maxWorkers="$workers" --reporter=default --reporter=json \
    --outputFile.json="$results/$project.json" || status=$?
done
node scripts/summary.mjs "$results"/*.json || status=1
exit "$status"
