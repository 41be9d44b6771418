#!/usr/bin/env bash
# Flake hunt: runs every test (Vitest, the whole suite) N times back to back
# (default 5) with a CPU hog on one core beside it, and stops at the first
# failure. Also fails when any run lets Node close a FileHandle on garbage
# collection (a leaked file descriptor). Run after scripts/test.sh has set the
# machine up:   bash scripts/soak.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
log_dir="$(mktemp -d "${TMPDIR:-/tmp}/tapline-soak-XXXXXX")"
# The hog: a busy loop at normal priority, as another build on the machine would be.
node -e 'for (;;) {}' &
hog=$!
trap 'kill "$hog" 2>/dev/null || true' EXIT
for run in $(seq 1 "$runs"); do
  log="$log_dir/run-$run.log"
  started=$(date +%s)
  if ! pnpm exec vitest run >"$log" 2>&1; then
    echo "soak: run $run FAILED after $(($(date +%s) - started)) s; log: $log" >&2
    grep -E "FAIL|AssertionError|Error:" "$log" | head -20 >&2
    exit 1
  fi
  leaks=$(grep -c "Closing file descriptor" "$log" || true)
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^ +Tests " | tr -s ' ' || true)
  echo "soak: run $run passed in $(($(date +%s) - started)) s:$summary; FileHandles closed on GC: $leaks"
  if [ "$leaks" -ne 0 ]; then
    echo "soak: run $run leaked file descriptors; log: $log" >&2
    exit 1
  fi
done
echo "soak: $runs of $runs runs passed under load; logs in $log_dir"
